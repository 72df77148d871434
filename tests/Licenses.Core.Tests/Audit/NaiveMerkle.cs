using System.Security.Cryptography;

namespace ElectronicLicense.Licenses.Tests.Audit;

/// <summary>A deliberately literal transcription of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 over leaf data, independent of the production code.</summary>
internal static class NaiveMerkle
{
    public static byte[] LeafHash(byte[] data) => SHA256.HashData([0x00, .. data]);

    public static byte[] Mth(IReadOnlyList<byte[]> d)
    {
        if (d.Count == 0)
        {
            return SHA256.HashData(Array.Empty<byte>());
        }

        if (d.Count == 1)
        {
            return LeafHash(d[0]);
        }

        var k = K(d.Count);
        return SHA256.HashData([0x01, .. Mth(d.Take(k).ToList()), .. Mth(d.Skip(k).ToList())]);
    }

    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> d)
    {
        if (d.Count == 1)
        {
            return [];
        }

        var k = K(d.Count);
        return m < k
            ? [.. Path(m, d.Take(k).ToList()), Mth(d.Skip(k).ToList())]
            : [.. Path(m - k, d.Skip(k).ToList()), Mth(d.Take(k).ToList())];
    }

    public static List<byte[]> Proof(int m, IReadOnlyList<byte[]> d) => SubProof(m, d, true);

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> d, bool b)
    {
        if (m == d.Count)
        {
            return b ? [] : [Mth(d)];
        }

        var k = K(d.Count);
        return m <= k
            ? [.. SubProof(m, d.Take(k).ToList(), b), Mth(d.Skip(k).ToList())]
            : [.. SubProof(m - k, d.Skip(k).ToList(), false), Mth(d.Take(k).ToList())];
    }

    // The largest power of two smaller than n.
    private static int K(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }
}
