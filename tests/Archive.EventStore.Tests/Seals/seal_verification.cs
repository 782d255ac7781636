using Archive.EventStore.Integrity;
using Archive.EventStore.Integrity.Seals;
using Archive.EventStore.Tests.Support;

namespace Archive.EventStore.Tests.Seals;

public class seal_verification : IClassFixture<StoreFixture>
{
    private readonly StoreFixture _f;
    public seal_verification(StoreFixture f) => _f = f;

    private async Task<(SealedStore S, string Stream)> SealedStreamAsync()
    {
        var s = await SealedStore.CreateAsync(_f);
        var id = await s.StreamOfThreeAsync();
        await s.SealThroughAsync(await s.PositionOfAsync(id, 3));
        return (s, id);
    }

    /// <summary>What a careful attacker does after editing a row: recompute every later hash of the stream and its head.</summary>
    private async Task RecomputeHashChainAsync(SealedStore s, string stream)
    {
        var rows = await _f.RowsAsync(
            $"select version, type, data::text, metadata::text, (extract(epoch from recorded_at) * 1000000)::bigint from {s.Schema}.events where stream_id = '{stream}' order by version");
        byte[]? previous = null, beforeLast = null;
        foreach (var row in rows.Select(r => r.Split('|')))
        {
            beforeLast = previous;
            var recordedAt = DateTimeOffset.UnixEpoch.AddTicks(long.Parse(row[4]) * 10);
            var hash = EventHash.Compute(previous, stream, long.Parse(row[0]), row[1], row[2], row[3], recordedAt);
            var prevSql = previous is null ? "null" : $"'\\x{Convert.ToHexStringLower(previous)}'::bytea";
            await _f.ExecAsync($"update {s.Schema}.events set hash = '\\x{Convert.ToHexStringLower(hash)}'::bytea, previous_hash = {prevSql} where stream_id = '{stream}' and version = {row[0]}");
            previous = hash;
        }
        await _f.ExecAsync($"update {s.Schema}.streams set last_hash = '\\x{Convert.ToHexStringLower(previous!)}'::bytea, " +
            $"last_previous_hash = {(beforeLast is null ? "null" : $"'\\x{Convert.ToHexStringLower(beforeLast)}'::bytea")} where id = '{stream}'");
    }

    [Fact]
    public async Task rewriting_an_events_data_and_its_hash_chain_fools_the_chain_check_but_the_seal_check_names_the_event()
    {
        var (s, id) = await SealedStreamAsync();
        var position = await s.PositionOfAsync(id, 2);
        await s.ExecAsync($"update {s.Schema}.events set data = '{{\"newTitle\": \"forged\"}}' where stream_id = '{id}' and version = 2");
        await RecomputeHashChainAsync(s, id);

        (await new HashChainVerifier(_f.DataSource, s.Schema).VerifyAsync()).ShouldBeEmpty();
        var findings = (await s.Verifier.VerifyAsync()).Findings;

        findings.ShouldContain(x => x.Kind == SealFindingKind.Altered && x.StreamId == id && x.Version == 2 && x.Position == position);
        // Version 3's content is untouched, but its stored hash had to change to keep the chain linked.
        findings.ShouldContain(x => x.Kind == SealFindingKind.Altered && x.StreamId == id && x.Version == 3);
        findings.ShouldAllBe(x => x.Kind == SealFindingKind.Altered);
    }

    [Fact]
    public async Task editing_an_events_data_without_fixing_its_hash_is_altered()
    {
        var (s, id) = await SealedStreamAsync();
        await s.ExecAsync($"update {s.Schema}.events set metadata = '{{\"actor\": \"mallory\"}}' where stream_id = '{id}' and version = 1");

        var finding = (await s.Verifier.VerifyAsync()).Findings.ShouldHaveSingleItem();

        finding.Kind.ShouldBe(SealFindingKind.Altered);
        (finding.StreamId, finding.Version).ShouldBe((id, 1L));
    }

    [Fact]
    public async Task deleting_a_sealed_row_is_removed()
    {
        var (s, id) = await SealedStreamAsync();
        var position = await s.PositionOfAsync(id, 3);
        await s.ExecAsync($"delete from {s.Schema}.events where stream_id = '{id}' and version = 3");

        var finding = (await s.Verifier.VerifyAsync()).Findings.ShouldHaveSingleItem();

        finding.Kind.ShouldBe(SealFindingKind.Removed);
        (finding.StreamId, finding.Version, finding.Position).ShouldBe((id, 3L, (long?)position));
    }

    [Fact]
    public async Task inserting_a_row_into_a_sealed_range_is_added()
    {
        var s = await SealedStore.CreateAsync(_f);
        var id = await s.StreamOfThreeAsync();
        // A position the sequence handed out but no event kept (as after a rolled-back append).
        var hole = await _f.ScalarAsync<long>($"select nextval('{s.Schema}.events_position_seq')");
        var other = await s.StreamOfThreeAsync();
        await s.SealThroughAsync(await s.PositionOfAsync(other, 3));
        await s.ExecAsync($"""
            insert into {s.Schema}.events (position, stream_id, version, type, data, metadata, recorded_at, hash, previous_hash, tx_id)
            select {hole}, stream_id, 4, type, data, metadata, recorded_at, hash, hash, pg_current_xact_id()
              from {s.Schema}.events where stream_id = '{id}' and version = 3
            """);

        var finding = (await s.Verifier.VerifyAsync()).Findings.ShouldHaveSingleItem();

        finding.Kind.ShouldBe(SealFindingKind.Added);
        (finding.StreamId, finding.Version, finding.Position).ShouldBe((id, 4L, (long?)hole));
    }

    [Fact]
    public async Task swapping_two_events_positions_is_reordered_for_both()
    {
        var (s, id) = await SealedStreamAsync();
        var p1 = await s.PositionOfAsync(id, 1);
        var p2 = await s.PositionOfAsync(id, 2);
        // Three steps: the primary key is checked row by row.
        await s.ExecAsync($"update {s.Schema}.events set position = -1 where position = {p1}");
        await s.ExecAsync($"update {s.Schema}.events set position = {p1} where position = {p2}");
        await s.ExecAsync($"update {s.Schema}.events set position = {p2} where position = -1");

        var findings = (await s.Verifier.VerifyAsync()).Findings;

        findings.Count.ShouldBe(2);
        findings.ShouldAllBe(x => x.Kind == SealFindingKind.Reordered);
        findings.ShouldContain(x => x.StreamId == id && x.Version == 1 && x.Position == p1);
        findings.ShouldContain(x => x.StreamId == id && x.Version == 2 && x.Position == p2);
    }

    [Fact]
    public async Task changing_a_seals_root_fails_its_signature()
    {
        var (s, _) = await SealedStreamAsync();
        await s.ExecAsync($"update {s.Schema}.audit_seals set root = sha256(root) where seal_no = 1");

        var findings = (await s.Verifier.VerifyAsync()).Findings;

        findings.ShouldContain(x => x.Kind == SealFindingKind.SignatureInvalid && x.SealNumber == 1);
        findings.ShouldContain(x => x.Kind == SealFindingKind.RootMismatch && x.SealNumber == 1);
    }

    [Fact]
    public async Task rewriting_a_stored_leaf_to_match_a_forged_row_breaks_the_root()
    {
        var (s, id) = await SealedStreamAsync();
        await s.ExecAsync($"update {s.Schema}.audit_seal_leaves set leaf_hash = sha256(leaf_hash) where stream_id = '{id}' and version = 2");

        var findings = (await s.Verifier.VerifyAsync()).Findings;

        findings.ShouldContain(x => x.Kind == SealFindingKind.RootMismatch);
        findings.ShouldContain(x => x.Kind == SealFindingKind.LeafInvalid && x.StreamId == id && x.Version == 2);
    }

    [Fact]
    public async Task deleting_a_seal_from_the_middle_breaks_the_seal_chain()
    {
        var (s, _) = await SealedStreamAsync();
        var next = await s.StreamOfThreeAsync();
        await s.SealThroughAsync(await s.PositionOfAsync(next, 3));
        await s.ExecAsync($"delete from {s.Schema}.audit_seal_leaves where seal_no = 1; delete from {s.Schema}.audit_seals where seal_no = 1");

        var findings = (await s.Verifier.VerifyAsync()).Findings;

        findings.ShouldContain(x => x.Kind == SealFindingKind.SealChainBroken);
        findings.ShouldContain(x => x.Kind == SealFindingKind.SealRangeGap);
    }

    [Fact]
    public async Task a_store_without_seal_tables_reports_every_event_as_unsealed()
    {
        var schema = $"noseal_{Guid.NewGuid():N}"[..20];
        var store = _f.NewStore(o => o.Schema = schema);
        await store.MigrateAsync();
        await store.AppendAsync("x", ExpectedVersion.NoStream, [new ThingOpened("a", 1)]);

        var report = await new SealVerifier(_f.DataSource, schema, new RsaTestSigner()).VerifyAsync();

        (report.Intact, report.SealCount, report.UnsealedEventCount).ShouldBe((true, 0, 1L));
    }
}
