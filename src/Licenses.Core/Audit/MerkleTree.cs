using System.Numerics;
using System.Security.Cryptography;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>The RFC 9162 Merkle tree hashes: leaf hash, interior node hash and the tree head (MTH) over any number of leaves.</summary>
/// <remarks>
/// RFC 9162 §2.1.1: MTH({}) = SHA-256(), MTH({d(0)}) = SHA-256(0x00 ‖ d(0)), and for n &gt; 1 with k the largest power of two
/// smaller than n, MTH(D[n]) = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])). The 0x00/0x01 prefixes keep a leaf from passing as a node.
/// </remarks>
public static class MerkleTree
{
    /// <summary>The size of every hash in the tree (SHA-256).</summary>
    public const int HashSize = 32;

    /// <summary>SHA-256(0x00 ‖ leaf).</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(leaf.Length + 1);
        try
        {
            buffer[0] = 0x00;
            leaf.CopyTo(buffer.AsSpan(1));
            return SHA256.HashData(buffer.AsSpan(0, leaf.Length + 1));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>SHA-256(0x01 ‖ left ‖ right).</summary>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The hash of the empty tree, SHA-256 of no bytes.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>The tree head of the given leaf hashes, computed in one pass (O(n) time, O(log n) memory).</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        var frontier = new MerkleFrontier();
        foreach (var leaf in leafHashes)
        {
            frontier.Append(leaf);
        }

        return frontier.Root();
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2).</summary>
    internal static long SplitPoint(long n) => (long)BitOperations.RoundUpToPowerOf2((ulong)n) >> 1;

    internal static bool IsPowerOfTwo(long n) => n > 0 && (n & (n - 1)) == 0;
}

/// <summary>The right edge of a growing tree: one complete subtree root per set bit of the size, enough to append and to compute the root.</summary>
internal sealed class MerkleFrontier
{
    // Index l holds the root of a complete subtree of 2^l leaves when bit l of Size is set.
    private readonly byte[]?[] levels = new byte[64][];

    public long Size { get; private set; }

    /// <summary>Rebuilds a frontier from its complete subtree roots (level → hash, one per set bit of <paramref name="size"/>).</summary>
    public static MerkleFrontier FromSubtrees(long size, IReadOnlyDictionary<int, byte[]> subtrees)
    {
        var frontier = new MerkleFrontier { Size = size };
        for (var level = 0; level < 63; level++)
        {
            if ((size & (1L << level)) != 0)
            {
                frontier.levels[level] = subtrees[level];
            }
        }

        return frontier;
    }

    /// <summary>Appends a leaf hash and returns the complete subtrees it completed, as (level, index, hash), level 0 being the leaf itself.</summary>
    public List<(int Level, long Index, byte[] Hash)> Append(byte[] leafHash)
    {
        var completed = new List<(int, long, byte[])>(2) { (0, Size, leafHash) };
        var carry = leafHash;
        var index = Size;
        var level = 0;
        while ((Size & (1L << level)) != 0)
        {
            carry = MerkleTree.NodeHash(levels[level]!, carry);
            levels[level] = null;
            level++;
            index >>= 1;
            completed.Add((level, index, carry));
        }

        levels[level] = carry;
        Size++;
        return completed;
    }

    /// <summary>MTH of the leaves appended so far.</summary>
    public byte[] Root()
    {
        byte[]? root = null;
        for (var level = 0; level < 64; level++)
        {
            if (levels[level] is { } hash)
            {
                root = root is null ? hash : MerkleTree.NodeHash(hash, root);
            }
        }

        return root ?? MerkleTree.EmptyRoot();
    }

    public MerkleFrontier Clone()
    {
        var copy = new MerkleFrontier { Size = Size };
        Array.Copy(levels, copy.levels, levels.Length);
        return copy;
    }
}
