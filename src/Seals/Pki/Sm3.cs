using Org.BouncyCastle.Crypto.Digests;

namespace ElectronicLicense.Seals.Pki;

/// <summary>The SM3 cryptographic hash (GB/T 32905), 32-byte digests.</summary>
public static class Sm3
{
    /// <summary>Length of an SM3 digest in bytes.</summary>
    public const int DigestLength = 32;

    /// <summary>Hashes <paramref name="data"/>.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new SM3Digest();
        // BouncyCastle 1.8 has no span overloads; one copy is cheap next to the hash itself.
        var bytes = data.ToArray();
        digest.BlockUpdate(bytes, 0, bytes.Length);
        var result = new byte[DigestLength];
        digest.DoFinal(result, 0);
        return result;
    }

    /// <summary>Hashes a stream from its current position to its end.</summary>
    public static byte[] Hash(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var digest = new SM3Digest();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            digest.BlockUpdate(buffer, 0, read);
        }

        var result = new byte[DigestLength];
        digest.DoFinal(result, 0);
        return result;
    }
}
