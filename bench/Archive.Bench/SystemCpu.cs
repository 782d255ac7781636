namespace Archive.Bench;

/// <summary>
/// Busy CPU time of the whole machine (every process: hosts, PostgreSQL, OCR tools), from the first line of /proc/stat.
/// Dividing it by the pages converted gives core-seconds per page, which tells work added (more core-seconds) apart from
/// cores left idle (fewer core-seconds than the wall time allows).
/// </summary>
public sealed class SystemCpu
{
    private readonly double _busy;
    private readonly double _total;

    private SystemCpu() => (_busy, _total) = Read();

    public static SystemCpu Start() => new();

    /// <summary>Busy core-seconds since <see cref="Start"/>, and the share of all cores' time they were (0..1).</summary>
    public (double BusySeconds, double Utilization) Stop()
    {
        var (busy, total) = Read();
        return (busy - _busy, total > _total ? (busy - _busy) / (total - _total) : 0);
    }

    private static (double Busy, double Total) Read()
    {
        if (!File.Exists("/proc/stat")) return (0, 0);
        // cpu user nice system idle iowait irq softirq steal (in USER_HZ = 1/100 s)
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(double.Parse).ToArray();
        var idle = f[3] + f[4];
        var total = f.Sum();
        return ((total - idle) / 100, total / 100);
    }
}
