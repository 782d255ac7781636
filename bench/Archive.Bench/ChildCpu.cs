using System.Runtime.InteropServices;

namespace Archive.Bench;

/// <summary>
/// CPU time (user + system) of this process's finished child processes, from getrusage(RUSAGE_CHILDREN). On a shared,
/// overloaded machine wall-clock time of a process-per-file loop mostly measures the scheduler; CPU time measures the
/// work, so suites that compare against an external tool report both.
/// </summary>
public static class ChildCpu
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal { public long Seconds; public long Microseconds; }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public TimeVal User;
        public TimeVal System;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)] public long[] Rest;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);

    public static TimeSpan Total()
    {
        if (getrusage(-1, out var u) != 0) return TimeSpan.Zero;
        return TimeSpan.FromMicroseconds(u.User.Seconds * 1_000_000 + u.User.Microseconds + u.System.Seconds * 1_000_000 + u.System.Microseconds);
    }
}
