using System.CommandLine;

namespace Archive.Cli.Tests;

/// <summary>The help a user meets, from the real executable: every command listed, every option described.</summary>
public class command_help
{
    /// <summary>Every command <c>archive</c> runs; a new one belongs here and in <see cref="CliApp.CreateRoot"/>.</summary>
    private static readonly string[] Commands = ["sign", "verify", "audit", "disposition", "backup", "restore", "ingest", "worker"];

    private static SignFixture.Result Archive(params string[] args) =>
        SignFixture.Run("dotnet", null, [Path.Combine(AppContext.BaseDirectory, "archive.dll"), .. args]);

    [Fact]
    public void the_top_level_help_lists_every_command_with_its_description()
    {
        var help = Archive("--help");
        help.ExitCode.ShouldBe(0, help.All);
        var listed = help.Stdout[help.Stdout.IndexOf("Commands:", StringComparison.Ordinal)..]
            .Split('\n').Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => l.Split(' ')[0]).ToList();
        listed.ShouldBe(Commands, ignoreOrder: true);
        help.Stdout.ShouldContain(Verification.VerifyCommand.Description);
        help.Stdout.ShouldContain(SignCommand.Description);
    }

    [Fact]
    public void every_command_and_subcommand_help_names_each_of_its_arguments_and_options()
    {
        var root = CliApp.CreateRoot(TextWriter.Null, TextWriter.Null);
        var checkedCommands = 0;
        foreach (var (path, command) in Walk(root, []))
        {
            var help = Archive([.. path, "--help"]);
            help.ExitCode.ShouldBe(0, $"archive {string.Join(' ', path)} --help: {help.All}");
            help.Stdout.ShouldContain("Usage:", customMessage: string.Join(' ', path));
            foreach (var option in command.Options) help.Stdout.ShouldContain(option.Name, customMessage: $"{string.Join(' ', path)}: {option.Name}");
            foreach (var argument in command.Arguments) help.Stdout.ShouldContain($"<{argument.Name}>", customMessage: string.Join(' ', path));
            foreach (var sub in command.Subcommands) help.Stdout.ShouldContain(sub.Name, customMessage: string.Join(' ', path));
            checkedCommands++;
        }
        checkedCommands.ShouldBeGreaterThanOrEqualTo(6);
    }

    [Fact]
    public void verify_help_describes_its_files_options_and_exit_codes()
    {
        var help = Archive("verify", "--help");
        help.ExitCode.ShouldBe(0, help.All);
        foreach (var text in new[] { "archive verify <FILE>...", "--trust-anchor <pem>", "--online", "--json", "--at <time>", "Exit codes:", "TOTAL_PASSED" })
            help.Stdout.ShouldContain(text);
    }

    [Fact]
    public void sign_help_states_the_levels_and_exit_codes()
    {
        var help = Archive("sign", "--help");
        help.ExitCode.ShouldBe(0, help.All);
        help.Stdout.ShouldContain("B-LTA");
        help.Stdout.ShouldContain("exit 0 all signed, 1 some failed");
    }

    private static IEnumerable<(string[] Path, Command Command)> Walk(Command command, string[] path)
    {
        foreach (var sub in command.Subcommands)
        {
            string[] subPath = [.. path, sub.Name];
            yield return (subPath, sub);
            foreach (var deeper in Walk(sub, subPath)) yield return deeper;
        }
    }
}
