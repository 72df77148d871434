using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>A signed tree head (STH): the audit log's size and Merkle root at a time, signed by the registry's audit key.</summary>
/// <remarks>
/// The signature (ECDSA P-256 with SHA-256, DER as in RFC 3279, what <c>openssl dgst -sha256 -verify</c> checks) covers
/// <see cref="SignedData"/>, the RFC 6962 §3.5 TreeHeadSignature layout: version 0, signature type 1 (tree_hash),
/// uint64 timestamp in Unix milliseconds, uint64 tree size, the 32-byte root, all big-endian.
/// Hashes are lower-case hex, the signature base64; <see cref="KeyId"/> is the hex SHA-256 of the key's SubjectPublicKeyInfo.
/// </remarks>
public sealed class SignedTreeHead
{
    /// <summary>Number of leaves (events) in the tree.</summary>
    public required long TreeSize { get; init; }

    /// <summary>When the head was signed, Unix milliseconds.</summary>
    public required long Timestamp { get; init; }

    /// <summary>MTH of the first <see cref="TreeSize"/> events, lower-case hex.</summary>
    public required string RootHash { get; init; }

    /// <summary>Hex SHA-256 of the signing key's SubjectPublicKeyInfo, so keys can rotate.</summary>
    public required string KeyId { get; init; }

    /// <summary>DER ECDSA signature over <see cref="SignedData"/>, base64.</summary>
    public required string Signature { get; init; }

    /// <summary>The bytes the signature covers.</summary>
    public static byte[] SignedData(long treeSize, long timestamp, ReadOnlySpan<byte> rootHash)
    {
        if (rootHash.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException($"A root hash has {MerkleTree.HashSize} bytes, got {rootHash.Length}.", nameof(rootHash));
        }

        var data = new byte[2 + 8 + 8 + MerkleTree.HashSize];
        data[0] = 0; // version v1
        data[1] = 1; // signature_type tree_hash
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(2), timestamp);
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(10), treeSize);
        rootHash.CopyTo(data.AsSpan(18));
        return data;
    }

    /// <summary>The hex key id of a public key: SHA-256 of its SubjectPublicKeyInfo.</summary>
    public static string KeyIdOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>Whether the head is well-formed, names <paramref name="publicKey"/> and carries its valid signature.</summary>
    public bool VerifySignature(ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (TreeSize < 0 || !TryDecodeHash(RootHash, out var root) || !string.Equals(KeyId, KeyIdOf(publicKey), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(Signature);
        }
        catch (FormatException)
        {
            return false;
        }

        return publicKey.VerifyData(SignedData(TreeSize, Timestamp, root), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>The root hash as bytes, or null when <see cref="RootHash"/> is not 64 hex digits.</summary>
    public byte[]? RootHashBytes() => TryDecodeHash(RootHash, out var root) ? root : null;

    internal static bool TryDecodeHash(string? hex, out byte[] hash)
    {
        hash = [];
        if (hex is not { Length: MerkleTree.HashSize * 2 })
        {
            return false;
        }

        try
        {
            hash = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>An RFC 9162 inclusion proof: the audit path of one leaf in a tree of a given size.</summary>
public sealed class InclusionProof
{
    /// <summary>0-based index of the leaf.</summary>
    public required long LeafIndex { get; init; }

    /// <summary>Size of the tree the path leads to the head of.</summary>
    public required long TreeSize { get; init; }

    /// <summary>The sibling hashes from the leaf up, lower-case hex.</summary>
    public required IReadOnlyList<string> AuditPath { get; init; }

    /// <summary>Checks the proof for <paramref name="leafHash"/> against a tree head of the same size.</summary>
    public bool Verify(ReadOnlySpan<byte> leafHash, SignedTreeHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        var root = head.RootHashBytes();
        var path = Hashes(AuditPath);
        return root is not null && path is not null && head.TreeSize == TreeSize && MerkleProof.VerifyInclusion(leafHash, LeafIndex, TreeSize, path, root);
    }

    internal static List<byte[]>? Hashes(IReadOnlyList<string>? hex)
    {
        if (hex is null)
        {
            return null;
        }

        var hashes = new List<byte[]>(hex.Count);
        foreach (var h in hex)
        {
            if (!SignedTreeHead.TryDecodeHash(h, out var bytes))
            {
                return null;
            }

            hashes.Add(bytes);
        }

        return hashes;
    }
}

/// <summary>An RFC 9162 consistency proof: the tree of <see cref="Second"/> leaves extends the tree of <see cref="First"/> leaves.</summary>
public sealed class ConsistencyProof
{
    /// <summary>The older tree size.</summary>
    public required long First { get; init; }

    /// <summary>The newer tree size.</summary>
    public required long Second { get; init; }

    /// <summary>The proof's hashes, lower-case hex.</summary>
    public required IReadOnlyList<string> Proof { get; init; }

    /// <summary>Checks the proof against two tree heads of the proof's sizes.</summary>
    public bool Verify(SignedTreeHead first, SignedTreeHead second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var firstRoot = first.RootHashBytes();
        var secondRoot = second.RootHashBytes();
        var proof = InclusionProof.Hashes(Proof);
        return firstRoot is not null && secondRoot is not null && proof is not null
            && first.TreeSize == First && second.TreeSize == Second
            && MerkleProof.VerifyConsistency(First, Second, firstRoot, secondRoot, proof);
    }
}
