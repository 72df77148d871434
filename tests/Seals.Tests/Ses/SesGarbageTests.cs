using ElectronicLicense.Seals.Ses;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static ElectronicLicense.Seals.Tests.Ses.SesTestData;

namespace ElectronicLicense.Seals.Tests.Ses;

[Properties(Arbitrary = new[] { typeof(SesGarbageArbitraries) })]
public class SesGarbageTests
{
    private static readonly Lazy<byte[]> SignatureSample = new(() =>
    {
        var files = Unzip("SESV4SignDoc.ofd");
        return files[FirstSignature(files).SignedValue];
    });

    [Fact]
    public void TryDecode_Fails_Empty()
    {
        Assert.False(SesSeal.TryDecode(ReadOnlyMemory<byte>.Empty, out var seal, out var error));
        Assert.Null(seal);
        Assert.NotNull(error);
        Assert.False(SesSignature.TryDecode(ReadOnlyMemory<byte>.Empty, out _, out error));
        Assert.NotNull(error);
    }

    [Property(MaxTest = 1000)]
    public bool TryDecode_never_throws_on_random_bytes(RandomBytes random)
    {
        var b = random.Bytes;
        return !SesSeal.TryDecode(b, out _, out _) && !SesSignature.TryDecode(b, out _, out _);
    }

    // Random content wrapped as SEQUENCE { … } gets further into the decoders than plain noise.
    [Property(MaxTest = 1000)]
    public bool TryDecode_never_throws_on_random_bytes_behind_a_sequence_header(SequenceOfRandomBytes random)
    {
        var b = random.Bytes;
        return !SesSeal.TryDecode(b, out _, out _) && !SesSignature.TryDecode(b, out _, out _);
    }

    [Theory]
    [InlineData("UserV4.esl")]
    [InlineData("UserV1.esl")]
    public void Every_truncation_of_a_seal_fails_cleanly(string file)
    {
        var seal = Interop(file);

        // Every prefix near the structure boundaries, and a sample of the rest.
        for (var length = 0; length < seal.Length; length += length < 800 || length > seal.Length - 800 ? 1 : 97)
        {
            Assert.False(SesSeal.TryDecode(seal.AsMemory(0, length), out _, out var error));
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    [Fact]
    public void Every_truncation_of_a_signature_fails_cleanly()
    {
        var signature = SignatureSample.Value;

        for (var length = 0; length < signature.Length; length += length < 800 || length > signature.Length - 800 ? 1 : 97)
        {
            Assert.False(SesSignature.TryDecode(signature.AsMemory(0, length), out _, out _));
        }
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        var seal = Interop("UserV4.esl").Append((byte)0).ToArray();

        Assert.False(SesSeal.TryDecode(seal, out _, out var error));
        Assert.Contains("trailing", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_sequences_fail_without_overflowing_the_stack()
    {
        // 100 000 nested SEQUENCEs with long-form lengths, innermost empty.
        const int depth = 100_000;
        var lengths = new int[depth];
        var size = 0;
        for (var i = depth - 1; i >= 0; i--)
        {
            lengths[i] = size;
            size += 6; // 0x30 0x84 + 4 length bytes
        }

        var bytes = new byte[size];
        for (var i = 0; i < depth; i++)
        {
            var at = i * 6;
            bytes[at] = 0x30;
            bytes[at + 1] = 0x84;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at + 2), lengths[i]);
        }

        Assert.False(SesSeal.TryDecode(bytes, out _, out _));
        Assert.False(SesSignature.TryDecode(bytes, out _, out _));
    }

    [Property(MaxTest = 300)]
    public bool Random_byte_changes_anywhere_in_interop_files_never_throw(ByteChanges changes)
    {
        var seal = Interop("UserV4.esl");
        var v1 = Interop("UserV1.esl");
        var signature = SignatureSample.Value;
        var list = changes.Changes;

        foreach (var original in new[] { seal, v1, signature })
        {
            var copy = (byte[])original.Clone();
            foreach (var (at, value) in list)
            {
                copy[at % copy.Length] = (byte)value;
            }

            if (SesSeal.TryDecode(copy, out var s, out _))
            {
                _ = s.VerifyMakerSignature();
                _ = s.ListsSigner(UserKey.Certificate);
            }

            if (SesSignature.TryDecode(copy, out var g, out _))
            {
                _ = g.VerifySignature();
            }
        }

        return true;
    }

    [Fact]
    public void Oversized_input_is_refused_before_decoding()
    {
        var huge = new byte[9 * 1024 * 1024];
        huge[0] = 0x30;

        Assert.False(SesSeal.TryDecode(huge, out _, out var error));
        Assert.Contains("at most", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_seal_is_not_a_signature_and_a_signature_is_not_a_seal()
    {
        Assert.False(SesSignature.TryDecode(Interop("UserV4.esl"), out _, out _));
        Assert.False(SesSeal.TryDecode(SignatureSample.Value, out _, out _));
    }
}

public sealed record RandomBytes(byte[] Bytes)
{
    public override string ToString() => $"RandomBytes {{ {Convert.ToHexString(Bytes)} }}";
}

public sealed record SequenceOfRandomBytes(byte[] Bytes)
{
    public override string ToString() => $"SequenceOfRandomBytes {{ {Convert.ToHexString(Bytes)} }}";
}

/// <summary>Positions (taken modulo a file's length) and the byte values written there.</summary>
public sealed record ByteChanges((int At, int Value)[] Changes)
{
    public override string ToString() => $"ByteChanges {{ {string.Join(", ", Changes)} }}";
}

internal static class SesGarbageArbitraries
{
    public static Arbitrary<RandomBytes> RandomBytes() =>
        Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(b => new RandomBytes(b)).ToArbitrary();

    public static Arbitrary<SequenceOfRandomBytes> SequenceOfRandomBytes() =>
        Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Where(b => b.Length < 128)
            .Select(b => new SequenceOfRandomBytes(new byte[] { 0x30, (byte)b.Length }.Concat(b).ToArray())).ToArbitrary();

    public static Arbitrary<ByteChanges> ByteChanges() =>
        Gen.ArrayOf(Gen.Zip(Gen.Choose(0, int.MaxValue), Gen.Choose(0, 255)))
            .Select(list => new ByteChanges(list.Select(c => (c.Item1, c.Item2)).ToArray())).ToArbitrary();
}
