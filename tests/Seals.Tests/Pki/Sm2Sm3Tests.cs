using System.Text;
using ElectronicLicense.Seals.Pki;
using Org.BouncyCastle.Crypto.Parameters;

namespace ElectronicLicense.Seals.Tests.Pki;

public class Sm2Sm3Tests
{
    [Fact]
    public void Sm3_matches_the_standard_vector_for_abc()
    {
        // GB/T 32905-2016 Appendix A.1.
        Assert.Equal("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
            Convert.ToHexStringLower(Sm3.Hash("abc"u8)));
    }

    [Fact]
    public void Sm3_matches_the_standard_vector_for_a_two_block_message()
    {
        // GB/T 32905-2016 Appendix A.2: "abcd" repeated 16 times (512 bits, so padding takes a second block).
        Assert.Equal("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
            Convert.ToHexStringLower(Sm3.Hash(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcd", 16))))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(64)]
    [InlineData(16 * 1024 - 1)]
    [InlineData(16 * 1024)]
    [InlineData(16 * 1024 + 1)]
    [InlineData(3 * 16 * 1024 + 63)]
    [InlineData(200_000)]
    public void Sm3_of_any_length_equals_bouncy_castles_digest_fed_a_byte_at_a_time(int length)
    {
        // Lengths around the padding boundary and the size in which large inputs are hashed piece by piece.
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var reference = new Org.BouncyCastle.Crypto.Digests.SM3Digest();
        foreach (var b in data)
        {
            reference.Update(b);
        }

        var expected = new byte[32];
        reference.DoFinal(expected, 0);
        Assert.Equal(expected, Sm3.Hash(data));
        Assert.Equal(expected, Sm3.Hash(new MemoryStream(data)));
    }

    [Fact]
    public void Sm3_of_a_stream_equals_sm3_of_its_bytes()
    {
        var data = Encoding.UTF8.GetBytes(new string('证', 100_000));
        Assert.Equal(Sm3.Hash(data), Sm3.Hash(new MemoryStream(data)));
    }

    [Fact]
    public void Sm2_signature_verifies_and_fails_for_other_data_or_key()
    {
        var pair = Sm2.GenerateKeyPair();
        var other = Sm2.GenerateKeyPair();
        var data = "电子证照"u8.ToArray();

        var signature = Sm2.Sign((ECPrivateKeyParameters)pair.Private, data);

        Assert.True(Sm2.Verify((ECPublicKeyParameters)pair.Public, data, signature));
        Assert.True(Sm2.Verify((ECPublicKeyParameters)pair.Public, data, Sm2.Sign((ECPrivateKeyParameters)pair.Private, data)));
        Assert.False(Sm2.Verify((ECPublicKeyParameters)pair.Public, "电子证照!"u8, signature));
        Assert.False(Sm2.Verify((ECPublicKeyParameters)other.Public, data, signature));
        Assert.False(Sm2.Verify((ECPublicKeyParameters)pair.Public, data, [0x30, 0x03, 0x02, 0x01]));
    }
}
