using System.Security.Cryptography;
using Archive.Api.Infrastructure.Content;
using Archive.Api.Tests.Support;
using Microsoft.Extensions.Options;

namespace Archive.Api.Tests;

/// <summary>The file-system store and sweeper on the real file system and the real content_refs table.</summary>
public class content_store(ApiFixture api) : IClassFixture<ApiFixture>
{
    private readonly string _root = Path.Combine(api.DataFolder, "store-" + Guid.NewGuid().ToString("N"));

    private FileSystemContentStore Store(long max = 1024 * 1024) =>
        new(Options.Create(new ContentStoreOptions { Root = _root, MaxBytes = max }));

    private string[] FilesLeft() => Directory.GetFiles(_root, "*", SearchOption.AllDirectories);

    [Fact]
    public async Task a_blob_is_stored_under_its_sha256_and_read_back_exactly()
    {
        var store = Store();
        var pdf = PdfSamples.Scan(300, color: true);
        var blob = await store.PutAsync(new MemoryStream(pdf), default);

        blob.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(pdf)));
        blob.Size.ShouldBe(pdf.Length);
        blob.MediaType.ShouldBe("application/pdf");
        blob.AlreadyExisted.ShouldBeFalse();
        FilesLeft().ShouldBe([Path.Combine(_root, blob.Sha256[..2], blob.Sha256[2..4], blob.Sha256)]);
        await using var read = (await store.OpenReadAsync(blob.Sha256, default))!;
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        copy.ToArray().ShouldBe(pdf);
    }

    [Fact]
    public async Task storing_the_same_bytes_twice_keeps_one_file()
    {
        var store = Store();
        var first = await store.PutAsync(new MemoryStream(PdfSamples.Png), default);
        var second = await store.PutAsync(new MemoryStream(PdfSamples.Png), default);
        second.Sha256.ShouldBe(first.Sha256);
        second.AlreadyExisted.ShouldBeTrue();
        FilesLeft().Length.ShouldBe(1);
    }

    [Theory]
    [InlineData("png", "image/png")]
    [InlineData("jpeg", "image/jpeg")]
    [InlineData("tiff", "image/tiff")]
    public async Task the_type_is_sniffed_from_the_bytes(string sample, string expected)
    {
        var bytes = sample switch { "png" => PdfSamples.Png, "jpeg" => PdfSamples.Jpeg, _ => PdfSamples.Tiff };
        (await Store().PutAsync(new MemoryStream(bytes), default)).MediaType.ShouldBe(expected);
    }

    [Fact]
    public async Task an_unsupported_type_is_refused_and_leaves_nothing()
    {
        var store = Store();
        await Should.ThrowAsync<UnsupportedContentException>(() => store.PutAsync(new MemoryStream(PdfSamples.Zip), default));
        FilesLeft().ShouldBeEmpty();
    }

    [Fact]
    public async Task a_blob_over_the_limit_is_refused_and_leaves_nothing()
    {
        var store = Store(max: 1000);
        var big = new byte[5000];
        "%PDF-1.7"u8.CopyTo(big);
        var e = await Should.ThrowAsync<ContentTooLargeException>(() => store.PutAsync(new MemoryStream(big), default));
        e.Status.ShouldBe(413);
        FilesLeft().ShouldBeEmpty();
    }

    [Fact]
    public async Task the_sweeper_deletes_only_unreferenced_blobs_past_the_grace_period()
    {
        var store = Store();
        var refs = api.Service<ContentReferences>();
        var kept = await store.PutAsync(new MemoryStream(PdfSamples.Scan(300, true, fill: 1)), default);
        var orphan = await store.PutAsync(new MemoryStream(PdfSamples.Scan(300, true, fill: 2)), default);
        await refs.AddAsync(kept.Sha256, "document-version", Guid.NewGuid().ToString(), default);
        var sweeper = new ContentSweeper(store, refs, TimeProvider.System);

        (await sweeper.SweepAsync(TimeSpan.FromHours(1), default)).Deleted.ShouldBeEmpty();
        (await store.GetInfoAsync(orphan.Sha256, default)).ShouldNotBeNull();

        var result = await sweeper.SweepAsync(TimeSpan.Zero, default);
        result.Deleted.ShouldBe([orphan.Sha256]);
        (await store.GetInfoAsync(orphan.Sha256, default)).ShouldBeNull();
        (await store.GetInfoAsync(kept.Sha256, default)).ShouldNotBeNull();
    }

    [Fact]
    public async Task a_released_reference_lets_the_sweeper_collect_the_blob()
    {
        var store = Store();
        var refs = api.Service<ContentReferences>();
        var blob = await store.PutAsync(new MemoryStream(PdfSamples.Scan(300, true, fill: 3)), default);
        var owner = Guid.NewGuid().ToString();
        await refs.AddAsync(blob.Sha256, "upload", owner, default);
        var sweeper = new ContentSweeper(store, refs, TimeProvider.System);
        (await sweeper.SweepAsync(TimeSpan.Zero, default)).Deleted.ShouldBeEmpty();
        await refs.RemoveAsync(blob.Sha256, "upload", owner, default);
        (await sweeper.SweepAsync(TimeSpan.Zero, default)).Deleted.ShouldBe([blob.Sha256]);
    }

    [Fact]
    public async Task leftover_temp_files_are_swept()
    {
        var store = Store();
        var temp = Path.Combine(_root, ".tmp-crashed");
        await File.WriteAllBytesAsync(temp, [1, 2, 3]);
        (await new ContentSweeper(store, api.Service<ContentReferences>(), TimeProvider.System).SweepAsync(TimeSpan.Zero, default))
            .TempFilesRemoved.ShouldBe(1);
        File.Exists(temp).ShouldBeFalse();
    }
}
