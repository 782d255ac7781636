using System.Security.Cryptography;
using System.Text;
using Archive.EventStore.Integrity.Seals;

namespace Archive.EventStore.Tests.Seals;

public class merkle_encoding
{
    private static byte[] H(string s) => SHA256.HashData(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void a_leaf_hashes_a_zero_byte_then_big_endian_position_stream_id_version_and_both_hashes()
    {
        var expected = SHA256.HashData([0x00, 0, 0, 0, 0, 0, 0, 1, 2, (byte)'s', (byte)'1', 0, 0, 0, 0, 0, 0, 0, 3, .. H("e"), .. H("c")]);

        SealEncoding.Leaf(258, "s1", 3, H("e"), H("c")).ShouldBe(expected);
    }

    [Fact]
    public void nodes_pair_left_to_right_and_an_odd_last_node_is_promoted()
    {
        byte[] a = H("a"), b = H("b"), c = H("c");

        SealEncoding.Root([a]).ShouldBe(a);
        SealEncoding.Root([a, b]).ShouldBe(SHA256.HashData([0x01, .. a, .. b]));
        SealEncoding.Root([a, b, c]).ShouldBe(SealEncoding.Node(SealEncoding.Node(a, b), c));
    }

    [Fact]
    public void the_seal_hash_changes_with_every_sealed_field()
    {
        var at = DateTimeOffset.UnixEpoch.AddDays(1);
        var baseline = SealEncoding.CanonicalSealBytes(1, 1, 10, 10, H("r"), null, at);

        SealEncoding.CanonicalSealBytes(2, 1, 10, 10, H("r"), null, at).ShouldNotBe(baseline);
        SealEncoding.CanonicalSealBytes(1, 2, 10, 10, H("r"), null, at).ShouldNotBe(baseline);
        SealEncoding.CanonicalSealBytes(1, 1, 11, 10, H("r"), null, at).ShouldNotBe(baseline);
        SealEncoding.CanonicalSealBytes(1, 1, 10, 9, H("r"), null, at).ShouldNotBe(baseline);
        SealEncoding.CanonicalSealBytes(1, 1, 10, 10, H("x"), null, at).ShouldNotBe(baseline);
        SealEncoding.CanonicalSealBytes(1, 1, 10, 10, H("r"), H("p"), at).ShouldNotBe(baseline);
        SealEncoding.CanonicalSealBytes(1, 1, 10, 10, H("r"), null, at.AddTicks(10)).ShouldNotBe(baseline);
    }
}
