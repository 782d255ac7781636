using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Archive.Web.Tests.Support;

/// <summary>
/// The web fixture host's log lines, kept with their time so that a failing journey can name what the server did around
/// the failing step (a request that never answered, an exception) instead of only what the page showed.
/// </summary>
public sealed class ServerLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() { }

    /// <summary>The lines logged since <paramref name="since"/> (the last <paramref name="max"/>).</summary>
    public string Since(DateTimeOffset since, int max = 200)
    {
        var prefix = since.UtcDateTime.ToString("HH:mm:ss.fff");
        return string.Join('\n', _lines.Where(l => string.CompareOrdinal(l, 0, prefix, 0, prefix.Length) >= 0).TakeLast(max));
    }

    private sealed class Logger(ServerLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} [{Environment.CurrentManagedThreadId}] {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}";
            owner._lines.Enqueue(line);
            var file = Environment.GetEnvironmentVariable("ARCHIVE_WEB_TEST_LOG");
            if (!string.IsNullOrEmpty(file)) lock (owner) File.AppendAllText(file, line + "\n");
        }
    }
}
