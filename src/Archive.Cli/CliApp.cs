namespace Archive.Cli;

/// <summary>The <c>archive</c> command line: batch work on the archive (sign, verify, audit).</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        if (args is ["sign", ..]) return SignCommand.Run(args); // archive sign: see Signing/SignCommand.cs (SignCommand.Create() for a shared RootCommand)
        Console.Error.WriteLine("usage: archive <command> (commands are added by their features)");
        return args.Length == 0 ? 1 : 2;
    }
}
