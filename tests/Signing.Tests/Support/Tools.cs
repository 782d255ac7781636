using System.Diagnostics;

namespace Signing.Tests.Support;

/// <summary>Runs the independent command-line checkers; a missing tool fails the test loudly.</summary>
public static class Tools
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static Result Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {tool}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Required tool '{tool}' is not installed (run the project's setup script).", e);
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            return new Result(p.ExitCode, stdout.Result, stderr.Result);
        }
    }

    public static Result RunOk(string tool, params string[] args)
    {
        var r = Run(tool, args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({r.ExitCode}): {r.All}");
        return r;
    }
}
