using Archive.EventStore.Encryption;

namespace Archive.Api.Infrastructure.Shredding;

/// <summary>
/// Writes each committed destruction's shredded streams to the shredding ledger (<see cref="ShreddingLedger"/>) in every
/// backup target named by <c>Archive:Backup:Targets</c> (separated by <c>;</c>), so that restoring an older backup
/// destroys those keys again (<c>archive restore</c>). Called after the commit: a ledger line never names a record
/// whose destruction rolled back. A target that cannot be written is logged; <c>archive backup</c> copies every key
/// the database shows destroyed into the ledger of each target anyway, so only a database lost before the next
/// backup together with an unwritable target could miss one.
/// </summary>
public sealed class ShreddingLedgerWriter(IConfiguration config, TimeProvider clock, ILogger<ShreddingLedgerWriter> log)
{
    public const string TargetsKey = "Archive:Backup:Targets";

    public IReadOnlyList<string> Targets =>
        (config[TargetsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public void Record(IReadOnlyList<string> streamIds)
    {
        if (streamIds.Count == 0) return;
        var at = clock.GetUtcNow();
        foreach (var target in Targets)
        {
            try { ShreddingLedger.Append(Path.Combine(target, ShreddingLedger.FileName), streamIds.Select(s => new ShreddingEntry(s, at))); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.LogError("Could not write the shredding ledger in backup target {Target}: {Reason}; the next backup records these {Count} record(s) from the database",
                    target, e.Message, streamIds.Count);
            }
        }
    }
}
