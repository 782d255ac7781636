namespace Archive.EventStore.Tests.Support;

/// <summary>Waits on a condition with a deadline (never a fixed sleep).</summary>
public static class Eventually
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Catches up until the projection's checkpoint reaches the position. Catch-up alone may stop
    /// short while an unrelated transaction elsewhere in the cluster holds xmin back.
    /// </summary>
    public static Task CatchUpUntilAsync(this ProjectionDaemon daemon, EventStore store, string projection, long position) =>
        UntilAsync(async () =>
        {
            await daemon.CatchUpAsync();
            return await store.GetCheckpointAsync(projection) >= position;
        }, $"projection {projection} reaches {position}");
}
