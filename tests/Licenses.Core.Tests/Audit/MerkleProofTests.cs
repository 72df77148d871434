using ElectronicLicense.Licenses.Audit;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Subtree = ElectronicLicense.Licenses.Audit.MerkleProofBuilder.Subtree;

namespace ElectronicLicense.Licenses.Tests.Audit;

// 200 cases for every property.
[Properties(MaxTest = 200, Arbitrary = new[] { typeof(MerkleProofArbitraries) })]
public sealed class MerkleProofTests
{
    /// <summary>A tree of n leaves with distinct data, and every complete subtree head as the log stores them.</summary>
    private sealed record Tree(List<byte[]> Data, List<byte[]> LeafHashes, Dictionary<Subtree, byte[]> Subtrees)
    {
        public static Tree Of(int n, int seed)
        {
            var data = Enumerable.Range(0, n).Select(i => BitConverter.GetBytes(i * 7919 + seed)).ToList();
            var frontier = new MerkleFrontier();
            var subtrees = new Dictionary<Subtree, byte[]>();
            var hashes = new List<byte[]>();
            foreach (var leaf in data)
            {
                var hash = MerkleTree.LeafHash(leaf);
                hashes.Add(hash);
                foreach (var (level, index, node) in frontier.Append(hash))
                {
                    subtrees[new Subtree(level, index)] = node;
                }
            }

            return new Tree(data, hashes, subtrees);
        }

        public List<byte[]> Resolve(List<(long Start, long Size)> ranges) => MerkleProofBuilder.ResolveAsync(
            ranges, (_, _) => Task.FromResult<IReadOnlyDictionary<Subtree, byte[]>>(Subtrees), CancellationToken.None).GetAwaiter().GetResult();

        public byte[] RootAt(int size) => MerkleTree.Root(LeafHashes.Take(size).ToList());
    }

    [Fact]
    public void Empty_tree_root_is_sha256_of_nothing() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleTree.Root([])));

    [Property]
    public bool Root_equals_the_naive_recursive_definition_for_any_size(TreeOfUpTo300 t)
    {
        var tree = Tree.Of(t.N, t.Seed);
        return NaiveMerkle.Mth(tree.Data).AsSpan().SequenceEqual(MerkleTree.Root(tree.LeafHashes));
    }

    [Property]
    public bool Inclusion_proof_matches_the_naive_path_and_verifies_against_the_root(LeafOfATree c)
    {
        var tree = Tree.Of(c.N, c.Seed);
        var path = tree.Resolve(MerkleProofBuilder.InclusionRanges(c.M, c.N));
        var naive = NaiveMerkle.Path(c.M, tree.Data);
        return path.Count == naive.Count
            && path.Zip(naive).All(p => p.First.AsSpan().SequenceEqual(p.Second))
            && MerkleProof.VerifyInclusion(tree.LeafHashes[c.M], c.M, c.N, path, tree.RootAt(c.N));
    }

    [Property]
    public void Inclusion_proof_fails_for_a_changed_leaf_a_changed_proof_byte_another_index_or_size(ChangedInclusion c)
    {
        var tree = Tree.Of(c.N, c.Seed);
        var root = tree.RootAt(c.N);
        var path = tree.Resolve(MerkleProofBuilder.InclusionRanges(c.M, c.N));
        var leaf = tree.LeafHashes[c.M];

        var changedLeaf = (byte[])leaf.Clone();
        changedLeaf[c.R % 32] ^= (byte)(1 + (c.R % 255));
        var failures = new List<string>();
        Expect(!MerkleProof.VerifyInclusion(changedLeaf, c.M, c.N, path, root), "changed leaf");

        if (path.Count > 0)
        {
            var changedPath = path.Select(p => (byte[])p.Clone()).ToList();
            changedPath[c.R % path.Count][c.R % 32] ^= 0x80;
            Expect(!MerkleProof.VerifyInclusion(leaf, c.M, c.N, changedPath, root), "changed proof byte");
            Expect(!MerkleProof.VerifyInclusion(leaf, c.M, c.N, path.Take(path.Count - 1).ToList(), root), "shortened path");
        }

        Expect(!MerkleProof.VerifyInclusion(leaf, c.M, c.N, [.. path, root], root), "lengthened path");
        Expect(!MerkleProof.VerifyInclusion(leaf, c.M, c.M, path, root), "index outside the tree");
        if (c.N > 1)
        {
            Expect(!MerkleProof.VerifyInclusion(leaf, (c.M + 1) % c.N, c.N, path, root), "another index");
        }

        Assert.True(failures.Count == 0, $"n={c.N} m={c.M}: accepted {string.Join(", ", failures)}");

        void Expect(bool holds, string what)
        {
            if (!holds)
            {
                failures.Add(what);
            }
        }
    }

    [Property]
    public bool Consistency_proof_matches_the_naive_proof_and_verifies_for_any_first_up_to_second(FirstAndSecondSize c)
    {
        var tree = Tree.Of(c.N, c.Seed);
        var proof = tree.Resolve(MerkleProofBuilder.ConsistencyRanges(c.M, c.N));
        var naive = c.M is 0 ? [] : NaiveMerkle.Proof(c.M, tree.Data);
        return proof.Count == naive.Count
            && proof.Zip(naive).All(p => p.First.AsSpan().SequenceEqual(p.Second))
            && MerkleProof.VerifyConsistency(c.M, c.N, tree.RootAt(c.M), tree.RootAt(c.N), proof);
    }

    [Property]
    public void Consistency_proof_fails_for_a_rewritten_old_tree_a_changed_byte_or_wrong_sizes(ChangedConsistency c)
    {
        var tree = Tree.Of(c.N, c.Seed);
        var first = tree.RootAt(c.M);
        var second = tree.RootAt(c.N);
        var proof = tree.Resolve(MerkleProofBuilder.ConsistencyRanges(c.M, c.N));

        // A log that rewrote one of its first m events has another old root: the proof must not tie it to the new head.
        var rewritten = tree.LeafHashes.ToList();
        rewritten[c.R % c.M] = MerkleTree.LeafHash([0xFF, .. tree.Data[c.R % c.M]]);
        var failures = new List<string>();
        Expect(!MerkleProof.VerifyConsistency(c.M, c.N, MerkleTree.Root(rewritten.Take(c.M).ToList()), second, proof), "rewritten old tree");

        var changed = proof.Select(p => (byte[])p.Clone()).ToList();
        changed[c.R % changed.Count][c.R % 32] ^= 0x01;
        Expect(!MerkleProof.VerifyConsistency(c.M, c.N, first, second, changed), "changed proof byte");
        Expect(!MerkleProof.VerifyConsistency(c.M, c.N, second, first, proof), "swapped roots");
        Expect(!MerkleProof.VerifyConsistency(c.M, c.N, first, second, []), "empty proof");
        Expect(!MerkleProof.VerifyConsistency(c.M, c.N, first, tree.RootAt(c.N - 1), proof), "another new root");
        Assert.True(failures.Count == 0, $"n={c.N} m={c.M}: accepted {string.Join(", ", failures)}");

        void Expect(bool holds, string what)
        {
            if (!holds)
            {
                failures.Add(what);
            }
        }
    }

    [Fact]
    public void Equal_sizes_need_an_empty_proof_and_equal_roots()
    {
        var tree = Tree.Of(5, 1);
        Assert.True(MerkleProof.VerifyConsistency(5, 5, tree.RootAt(5), tree.RootAt(5), []));
        Assert.False(MerkleProof.VerifyConsistency(5, 5, tree.RootAt(4), tree.RootAt(5), []));
    }
}

/// <summary>A tree of 1–300 leaves and the seed of their data.</summary>
public readonly record struct TreeOfUpTo300(int N, int Seed);

/// <summary>A tree of 1–300 leaves and one of its leaves, M.</summary>
public readonly record struct LeafOfATree(int N, int Seed, int M);

/// <summary>A tree of 1–200 leaves, one of its leaves M, and R choosing what to change.</summary>
public readonly record struct ChangedInclusion(int N, int Seed, int M, int R);

/// <summary>A tree of 1–300 leaves and an earlier size M from 0 to N.</summary>
public readonly record struct FirstAndSecondSize(int N, int Seed, int M);

/// <summary>A tree of 2–200 leaves, an earlier size M from 1 to N − 1, and R choosing what to change.</summary>
public readonly record struct ChangedConsistency(int N, int Seed, int M, int R);

internal static class MerkleProofArbitraries
{
    public static Arbitrary<TreeOfUpTo300> TreeOfUpTo300() => Trees(300).Select(t => new TreeOfUpTo300(t.N, t.Seed)).ToArbitrary();

    public static Arbitrary<LeafOfATree> LeafOfATree() =>
        Trees(300).SelectMany(t => Gen.Choose(0, t.N - 1).Select(m => new LeafOfATree(t.N, t.Seed, m))).ToArbitrary();

    public static Arbitrary<ChangedInclusion> ChangedInclusion() =>
        Trees(200)
            .SelectMany(t => Gen.Choose(0, t.N - 1).Select(m => (t.N, t.Seed, M: m)))
            .SelectMany(c => Gen.Choose(0, 10_000).Select(r => new ChangedInclusion(c.N, c.Seed, c.M, r)))
            .ToArbitrary();

    public static Arbitrary<FirstAndSecondSize> FirstAndSecondSize() =>
        Trees(300).SelectMany(t => Gen.Choose(0, t.N).Select(m => new FirstAndSecondSize(t.N, t.Seed, m))).ToArbitrary();

    public static Arbitrary<ChangedConsistency> ChangedConsistency() =>
        Trees(200)
            .Where(t => t.N >= 2)
            .SelectMany(t => Gen.Choose(1, t.N - 1).Select(m => (t.N, t.Seed, M: m)))
            .SelectMany(c => Gen.Choose(0, 10_000).Select(r => new ChangedConsistency(c.N, c.Seed, c.M, r)))
            .ToArbitrary();

    private static Gen<(int N, int Seed)> Trees(int max) =>
        Gen.Choose(1, max).SelectMany(n => Gen.Choose(0, 1000).Select(seed => (n, seed)));
}
