using System.Security.Cryptography;
using Archive.EventStore.Integrity.Seals;
using Archive.EventStore.Tests.Support;
using Npgsql;

namespace Archive.EventStore.Tests.Seals;

/// <summary>
/// A plain RSA signer: the store's seal tests need a signer, not CMS (the CMS signer lives with
/// the CLI and is tested there).
/// </summary>
public sealed class RsaTestSigner : ISealSigner
{
    private readonly RSA _key = RSA.Create(2048);

    public Task<SealSignature> SignAsync(byte[] content, CancellationToken ct = default) =>
        Task.FromResult(new SealSignature(_key.SignData(content, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), null));

    public IReadOnlyList<string> Verify(byte[] content, byte[] signature, byte[]? timestampToken) =>
        _key.VerifyData(content, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) ? [] : ["signature does not verify"];
}

/// <summary>A store in its own schema (so each test can tamper freely) with a sealer and a verifier.</summary>
public sealed class SealedStore
{
    private SealedStore(StoreFixture f, EventStore store, string schema)
    {
        F = f;
        Store = store;
        Schema = schema;
        Sealer = new SealService(store, Signer);
        Verifier = new SealVerifier(f.DataSource, schema, Signer);
    }

    public StoreFixture F { get; }
    public EventStore Store { get; }
    public string Schema { get; }
    public RsaTestSigner Signer { get; } = new();
    public SealService Sealer { get; }
    public SealVerifier Verifier { get; }

    public static async Task<SealedStore> CreateAsync(StoreFixture f, Action<EventStoreOptions>? configure = null)
    {
        var schema = $"seal_{Guid.NewGuid():N}"[..20];
        var store = f.NewStore(o => { o.Schema = schema; configure?.Invoke(o); });
        await store.MigrateAsync();
        var sealed_ = new SealedStore(f, store, schema);
        await sealed_.Sealer.EnsureSchemaAsync();
        return sealed_;
    }

    public async Task<string> StreamOfThreeAsync()
    {
        var id = $"doc-{Guid.NewGuid():N}";
        await Store.AppendAsync(id, ExpectedVersion.NoStream, [new ThingOpened("a", 1), new ThingRenamed("b"), new ThingRenamed("c")]);
        return id;
    }

    /// <summary>
    /// Seals until everything up to <paramref name="position"/> is sealed. One round may seal less:
    /// any open transaction in the shared test cluster holds the safe high-water mark back.
    /// </summary>
    public async Task<List<SealRecord>> SealThroughAsync(long position)
    {
        var seals = new List<SealRecord>();
        await Eventually.UntilAsync(async () =>
        {
            if (await Sealer.SealOnceAsync() is { } s) seals.Add(s);
            return seals.Count > 0 && seals[^1].ToPosition >= position;
        }, $"sealed through {position}");
        return seals;
    }

    public async Task<long> PositionOfAsync(string stream, long version) =>
        (await F.ScalarAsync<long>($"select position from {Schema}.events where stream_id = '{stream}' and version = {version}"));

    public Task ExecAsync(string sql) => F.ExecAsync(sql);
}
