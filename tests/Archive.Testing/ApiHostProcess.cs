using System.Diagnostics;

namespace Archive.Testing;

/// <summary>
/// The real API host (Archive.Api.dll, copied beside any project that references it) started as a separate process, as
/// digitization workers are in production: tests kill it mid-job, the bench starts one or two to measure scaling.
/// </summary>
public static class ApiHostProcess
{
    /// <summary>Starts the host with <paramref name="settings"/> as environment variables (e.g. <c>Archive__Digitization__Workers</c>).</summary>
    /// <param name="cpus">When given, the host runs on these cores only (<c>taskset -c</c>, e.g. "0" or "0-1").</param>
    public static Process Start(IReadOnlyDictionary<string, string> settings, string? cpus = null)
    {
        var psi = new ProcessStartInfo(cpus is null ? "dotnet" : "taskset") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory };
        if (cpus is not null) foreach (var a in new[] { "-c", cpus, "dotnet" }) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Archive.Api.dll"));
        foreach (var (k, v) in settings) psi.Environment[k] = v;
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the API host");
        // Drained so a chatty host never blocks on a full pipe; kept in a file when ARCHIVE_TEST_HOST_LOG names a folder.
        var log = Environment.GetEnvironmentVariable("ARCHIVE_TEST_HOST_LOG") is { Length: > 0 } folder
            ? TextWriter.Synchronized(new StreamWriter(Path.Combine(Directory.CreateDirectory(folder).FullName, $"host-{p.Id}.log")) { AutoFlush = true })
            : null;
        p.OutputDataReceived += (_, e) => log?.WriteLine(e.Data);
        p.ErrorDataReceived += (_, e) => log?.WriteLine(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }
}
