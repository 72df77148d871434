using System.Buffers;
using Org.BouncyCastle.Crypto.Digests;

namespace ElectronicLicense.Seals.Pki;

/// <summary>The SM3 cryptographic hash (GB/T 32905), 32-byte digests.</summary>
public static class Sm3
{
    /// <summary>Length of an SM3 digest in bytes.</summary>
    public const int DigestLength = 32;

    private const int ChunkBytes = 16 * 1024;

    /// <summary>Hashes <paramref name="data"/>.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new SM3Digest();
        // BouncyCastle 1.8 has no span overloads. A copy of the whole input would put every large file on the large object
        // heap, and verification into frequent gen 2 collections; a pooled chunk does not.
        var chunk = ArrayPool<byte>.Shared.Rent(Math.Min(ChunkBytes, data.Length));
        try
        {
            for (var at = 0; at < data.Length; at += ChunkBytes)
            {
                var part = data.Slice(at, Math.Min(ChunkBytes, data.Length - at));
                part.CopyTo(chunk);
                digest.BlockUpdate(chunk, 0, part.Length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

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
