using System.Diagnostics;

namespace Archive.Bench;

/// <summary>
/// CPU time (user + system) spent by this process and by a PostgreSQL server (its postmaster, the backends it reaped
/// and those still running), read from /proc. On a shared, overloaded machine wall-clock rates mostly measure the
/// scheduler; CPU time measures the work. A projection alternates between client and server (one round trip at a
/// time), so events per CPU-second of both is what it would reach with the cores to itself.
/// </summary>
public sealed class CpuMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on Linux, whatever the kernel's HZ
    private readonly int? _postmaster;
    private readonly int? _clientPid;
    private readonly TimeSpan _client;
    private readonly TimeSpan _server;

    private CpuMeter(int? postmaster, int? clientPid)
    {
        _postmaster = postmaster;
        _clientPid = clientPid;
        _client = ClientCpu();
        _server = ServerCpu(postmaster);
    }

    /// <summary>
    /// Starts measuring; <paramref name="postmasterPid"/> null measures the client only. The client is this process,
    /// or the process <paramref name="clientPid"/> (a host the bench started).
    /// </summary>
    public static CpuMeter Start(int? postmasterPid, int? clientPid = null) => new(postmasterPid, clientPid);

    public TimeSpan Client => ClientCpu() - _client;

    private TimeSpan ClientCpu()
    {
        if (_clientPid is not { } pid) return Process.GetCurrentProcess().TotalProcessorTime;
        var f = Fields(File.ReadAllText($"/proc/{pid}/stat"));
        return TimeSpan.FromSeconds((double.Parse(f[11]) + double.Parse(f[12])) / TicksPerSecond);
    }

    /// <summary>Fields after the parenthesised command name: state ppid ... utime(11) stime(12) cutime(13) cstime(14).</summary>
    private static string[] Fields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    public TimeSpan Server => ServerCpu(_postmaster) - _server;
    public bool MeasuresServer => _postmaster is not null;

    private static TimeSpan ServerCpu(int? postmaster)
    {
        if (postmaster is not { } pid) return TimeSpan.Zero;
        double ticks = 0;
        foreach (var (p, f) in ProcessStats())
        {
            if (p == pid) ticks += double.Parse(f[11]) + double.Parse(f[12]) + double.Parse(f[13]) + double.Parse(f[14]);
            else if (int.Parse(f[1]) == pid) ticks += double.Parse(f[11]) + double.Parse(f[12]);
        }
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>CPU seconds (user + system) of a running process itself and of its children it has waited for.</summary>
    public static (double Self, double Children) ProcessCpu(int pid)
    {
        var f = Fields(File.ReadAllText($"/proc/{pid}/stat"));
        return ((double.Parse(f[11]) + double.Parse(f[12])) / TicksPerSecond, (double.Parse(f[13]) + double.Parse(f[14])) / TicksPerSecond);
    }

    /// <summary>The running processes whose parent is <paramref name="pid"/>.</summary>
    public static IEnumerable<int> ChildrenOf(int pid) => ProcessStats().Where(s => int.Parse(s.Fields[1]) == pid).Select(s => s.Pid);

    /// <summary>Every process's stat fields; a process that exits while being read is left out.</summary>
    private static IEnumerable<(int Pid, string[] Fields)> ProcessStats()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var p)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            yield return (p, Fields(stat));
        }
    }

    /// <summary>The postmaster of a cluster, from its data folder's postmaster.pid.</summary>
    public static int? PostmasterOf(string dataDirectory)
    {
        var file = Path.Combine(dataDirectory, "postmaster.pid");
        return File.Exists(file) && int.TryParse(File.ReadLines(file).First(), out var pid) ? pid : null;
    }
}
