using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace ElectronicLicense.Licenses.Archiving.BagIt;

/// <summary>The manifest algorithms this implementation computes, by their RFC 8493 names (lower case, as in <c>manifest-{name}.txt</c>).</summary>
internal static class BagAlgorithms
{
    public const string Sha256 = "sha256";
    public const string Sm3 = "sm3";

    private static readonly Dictionary<string, int> HexLengths = new(StringComparer.Ordinal)
    {
        ["md5"] = 32,
        ["sha1"] = 40,
        ["sha256"] = 64,
        ["sha384"] = 96,
        ["sha512"] = 128,
        ["sm3"] = 64,
    };

    public static bool IsSupported(string name) => HexLengths.ContainsKey(name);

    public static int HexLength(string name) => HexLengths[name];

    public static string DisplayName(string name) => name switch
    {
        "sm3" => "SM3",
        "md5" => "MD5",
        _ => "SHA-" + name[3..],
    };
}

/// <summary>Computes several digests of one byte sequence in a single pass.</summary>
internal sealed class MultiHasher : IDisposable
{
    private readonly List<(string Name, IncrementalHash? Hash, SM3Digest? Sm3)> digests = [];

    public MultiHasher(IEnumerable<string> algorithms)
    {
        foreach (var name in algorithms.Distinct(StringComparer.Ordinal))
        {
            digests.Add(name switch
            {
                "sm3" => (name, null, new SM3Digest()),
                "md5" => (name, IncrementalHash.CreateHash(HashAlgorithmName.MD5), null),
                "sha1" => (name, IncrementalHash.CreateHash(HashAlgorithmName.SHA1), null),
                "sha256" => (name, IncrementalHash.CreateHash(HashAlgorithmName.SHA256), null),
                "sha384" => (name, IncrementalHash.CreateHash(HashAlgorithmName.SHA384), null),
                "sha512" => (name, IncrementalHash.CreateHash(HashAlgorithmName.SHA512), null),
                _ => throw new ArgumentException($"unsupported manifest algorithm '{name}'", nameof(algorithms)),
            });
        }
    }

    public long BytesHashed { get; private set; }

    public void Append(byte[] buffer, int offset, int count)
    {
        foreach (var (_, hash, sm3) in digests)
        {
            hash?.AppendData(buffer, offset, count);
            sm3?.BlockUpdate(buffer, offset, count);
        }

        BytesHashed += count;
    }

    /// <summary>The lower-case hex digests by algorithm name.</summary>
    public Dictionary<string, string> Finish()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, hash, sm3) in digests)
        {
            if (hash is not null)
            {
                result[name] = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            else if (sm3 is not null)
            {
                var bytes = new byte[sm3.GetDigestSize()];
                sm3.DoFinal(bytes, 0);
                result[name] = Convert.ToHexStringLower(bytes);
            }
        }

        return result;
    }

    /// <summary>Reads <paramref name="stream"/> to its end, hashing every byte once for all algorithms.</summary>
    public async Task HashAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            Append(buffer, 0, read);
        }
    }

    public void Dispose()
    {
        foreach (var (_, hash, _) in digests)
        {
            hash?.Dispose();
        }
    }
}

/// <summary>A read-only, forward-only view of a stream that hashes every byte its reader takes, so a copy and its digests cost one pass.</summary>
internal sealed class HashingReadStream(Stream inner, MultiHasher hasher) : Stream
{
    public bool ReachedEnd { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => hasher.BytesHashed;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Took(buffer, offset, read, count);
        return read;
    }

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        var read = await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false);
        Took(buffer, offset, read, count);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read > 0)
        {
            if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(buffer, out var segment))
            {
                hasher.Append(segment.Array!, segment.Offset, read);
            }
            else
            {
                hasher.Append(buffer[..read].ToArray(), 0, read);
            }
        }
        else if (buffer.Length > 0)
        {
            ReachedEnd = true;
        }

        return read;
    }

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        if (read > 0)
        {
            hasher.Append(buffer[..read].ToArray(), 0, read);
        }
        else if (buffer.Length > 0)
        {
            ReachedEnd = true;
        }

        return read;
    }

    private void Took(byte[] buffer, int offset, int read, int asked)
    {
        if (read > 0)
        {
            hasher.Append(buffer, offset, read);
        }
        else if (asked > 0)
        {
            ReachedEnd = true;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
