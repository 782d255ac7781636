return Archive.Cli.CliApp.Run(args);
