using System.Numerics;
using System.Security.Cryptography;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>Offline checks of RFC 9162 inclusion and consistency proofs against tree heads.</summary>
/// <remarks>Needs nothing but the proof, the hashes and the sizes: an auditor runs it without asking the registry anything.</remarks>
public static class MerkleProof
{
    /// <summary>Whether <paramref name="auditPath"/> proves that the leaf with <paramref name="leafHash"/> is leaf <paramref name="leafIndex"/> of the tree of <paramref name="treeSize"/> leaves whose head is <paramref name="rootHash"/>.</summary>
    public static bool VerifyInclusion(ReadOnlySpan<byte> leafHash, long leafIndex, long treeSize, IReadOnlyList<byte[]> auditPath, ReadOnlySpan<byte> rootHash)
    {
        ArgumentNullException.ThrowIfNull(auditPath);

        // RFC 9162 §2.1.3.2, step 1: the index must lie inside the tree.
        if (leafIndex < 0 || leafIndex >= treeSize || leafHash.Length != MerkleTree.HashSize || !AllHashes(auditPath))
        {
            return false;
        }

        // Steps 2–3.
        var fn = leafIndex;
        var sn = treeSize - 1;
        var r = leafHash.ToArray();

        // Step 4.
        foreach (var p in auditPath)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleTree.NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleTree.NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        // Step 5: the path must have been used up exactly and lead to the head.
        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, rootHash);
    }

    /// <summary>Whether <paramref name="proof"/> proves that the tree of <paramref name="secondSize"/> leaves (head <paramref name="secondRoot"/>) extends the tree of <paramref name="firstSize"/> leaves (head <paramref name="firstRoot"/>) by appending only.</summary>
    public static bool VerifyConsistency(long firstSize, long secondSize, ReadOnlySpan<byte> firstRoot, ReadOnlySpan<byte> secondRoot, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (firstSize < 0 || firstSize > secondSize || firstRoot.Length != MerkleTree.HashSize || secondRoot.Length != MerkleTree.HashSize || !AllHashes(proof))
        {
            return false;
        }

        // RFC 9162 §2.1.4.1: the proof between equal sizes is empty, and the heads must be equal; every tree extends the empty one.
        if (firstSize == secondSize)
        {
            return proof.Count == 0 && CryptographicOperations.FixedTimeEquals(firstRoot, secondRoot);
        }

        if (firstSize == 0)
        {
            return proof.Count == 0 && CryptographicOperations.FixedTimeEquals(firstRoot, MerkleTree.EmptyRoot());
        }

        // §2.1.4.2 step 1.
        if (proof.Count == 0)
        {
            return false;
        }

        // Step 2: when the first tree is a complete subtree, its head is the proof's implicit first element.
        var path = BitOperations.IsPow2(firstSize) ? [firstRoot.ToArray(), .. proof] : proof.ToList();

        // Steps 3–4.
        var fn = firstSize - 1;
        var sn = secondSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        // Step 5.
        var fr = path[0];
        var sr = path[0];

        // Step 6.
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleTree.NodeHash(c, fr);
                sr = MerkleTree.NodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleTree.NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        // Step 7.
        return sn == 0 && CryptographicOperations.FixedTimeEquals(fr, firstRoot) && CryptographicOperations.FixedTimeEquals(sr, secondRoot);
    }

    private static bool AllHashes(IReadOnlyList<byte[]> hashes) => hashes.All(h => h is { Length: MerkleTree.HashSize });
}

/// <summary>Builds RFC 9162 proofs from stored complete subtrees, so a proof costs O(log n) lookups, fetched in one round.</summary>
internal static class MerkleProofBuilder
{
    /// <summary>A complete subtree: 2^Level leaves starting at leaf Index × 2^Level.</summary>
    public readonly record struct Subtree(int Level, long Index);

    /// <summary>The leaf ranges whose heads make the audit path of leaf <paramref name="m"/> in a tree of <paramref name="n"/> leaves (RFC 9162 §2.1.3.1).</summary>
    public static List<(long Start, long Size)> InclusionRanges(long m, long n)
    {
        var ranges = new List<(long, long)>();
        Path(m, 0, n, ranges);
        return ranges;

        static void Path(long m, long start, long n, List<(long, long)> output)
        {
            if (n <= 1)
            {
                return;
            }

            var k = MerkleTree.SplitPoint(n);
            if (m < k)
            {
                Path(m, start, k, output);
                output.Add((start + k, n - k));
            }
            else
            {
                Path(m - k, start + k, n - k, output);
                output.Add((start, k));
            }
        }
    }

    /// <summary>The leaf ranges whose heads make the consistency proof between sizes <paramref name="m"/> and <paramref name="n"/> (RFC 9162 §2.1.4.1).</summary>
    public static List<(long Start, long Size)> ConsistencyRanges(long m, long n)
    {
        var ranges = new List<(long, long)>();
        if (m > 0 && m < n)
        {
            SubProof(m, 0, n, true, ranges);
        }

        return ranges;

        static void SubProof(long m, long start, long n, bool complete, List<(long, long)> output)
        {
            if (m == n)
            {
                if (!complete)
                {
                    output.Add((start, m));
                }

                return;
            }

            var k = MerkleTree.SplitPoint(n);
            if (m <= k)
            {
                SubProof(m, start, k, complete, output);
                output.Add((start + k, n - k));
            }
            else
            {
                SubProof(m - k, start + k, n - k, false, output);
                output.Add((start, k));
            }
        }
    }

    /// <summary>The complete subtrees that make up a range, left to right; its head is their right fold with the node hash.</summary>
    /// <remarks>Ranges produced by the RFC's recursion start at a multiple of their largest power-of-two part, so every part is a stored subtree.</remarks>
    public static List<Subtree> Decompose(long start, long size)
    {
        var parts = new List<Subtree>();
        while (size > 0)
        {
            var part = MerkleTree.IsPowerOfTwo(size) ? size : MerkleTree.SplitPoint(size);
            var level = BitOperations.Log2((ulong)part);
            parts.Add(new Subtree(level, start >> level));
            start += part;
            size -= part;
        }

        return parts;
    }

    /// <summary>Turns ranges into hashes with one batched lookup of the subtrees they need.</summary>
    public static async Task<List<byte[]>> ResolveAsync(
        IReadOnlyList<(long Start, long Size)> ranges,
        Func<IReadOnlyCollection<Subtree>, CancellationToken, Task<IReadOnlyDictionary<Subtree, byte[]>>> lookup,
        CancellationToken cancellationToken)
    {
        var decomposed = ranges.Select(r => Decompose(r.Start, r.Size)).ToList();
        var needed = decomposed.SelectMany(d => d).ToHashSet();
        var found = needed.Count == 0 ? new Dictionary<Subtree, byte[]>() : await lookup(needed, cancellationToken);
        return decomposed.Select(parts => Fold(parts, found)).ToList();
    }

    public static byte[] Fold(IReadOnlyList<Subtree> parts, IReadOnlyDictionary<Subtree, byte[]> hashes)
    {
        var hash = Lookup(parts[^1]);
        for (var i = parts.Count - 2; i >= 0; i--)
        {
            hash = MerkleTree.NodeHash(Lookup(parts[i]), hash);
        }

        return hash;

        byte[] Lookup(Subtree subtree) => hashes.TryGetValue(subtree, out var h)
            ? h
            : throw new InvalidOperationException($"The audit log's node store lacks subtree {subtree.Level}/{subtree.Index}: the stored tree is incomplete.");
    }
}
