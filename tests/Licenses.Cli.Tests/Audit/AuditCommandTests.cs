using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ElectronicLicense.Cli.Tests.Support;
using ElectronicLicense.Licenses.Audit;

namespace ElectronicLicense.Cli.Tests.Audit;

/// <summary>
/// elic audit against a log built here from RFC 9162's definitions (not the registry's code), signed with a test key:
/// what a newcomer saves from the API, checked offline.
/// </summary>
public sealed class AuditCommandTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly List<byte[]> leaves = Enumerable.Range(0, 13).Select(i => Encoding.UTF8.GetBytes($"{{\"v\":1,\"event\":{i}}}")).ToList();

    public void Dispose()
    {
        key.Dispose();
        temp.Dispose();
    }

    private static byte[] H(params byte[][] parts) => SHA256.HashData(parts.SelectMany(p => p).ToArray());

    private static byte[] Mth(IReadOnlyList<byte[]> d) => d.Count switch
    {
        0 => H(),
        1 => H([0], d[0]),
        _ => H([1], Mth(d.Take(K(d.Count)).ToList()), Mth(d.Skip(K(d.Count)).ToList())),
    };

    private static List<byte[]> Path(int m, IReadOnlyList<byte[]> d)
    {
        if (d.Count == 1)
        {
            return [];
        }

        var k = K(d.Count);
        return m < k ? [.. Path(m, d.Take(k).ToList()), Mth(d.Skip(k).ToList())] : [.. Path(m - k, d.Skip(k).ToList()), Mth(d.Take(k).ToList())];
    }

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> d, bool b)
    {
        if (m == d.Count)
        {
            return b ? [] : [Mth(d)];
        }

        var k = K(d.Count);
        return m <= k ? [.. SubProof(m, d.Take(k).ToList(), b), Mth(d.Skip(k).ToList())] : [.. SubProof(m - k, d.Skip(k).ToList(), false), Mth(d.Take(k).ToList())];
    }

    private static int K(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }

    private string Json(string name, object value)
    {
        var path = temp.File(name);
        File.WriteAllText(path, JsonSerializer.Serialize(value, JsonSerializerOptions.Web));
        return path;
    }

    private string TreeHead(string name, int size, ECDsa? signer = null)
    {
        var root = Mth(leaves.Take(size).ToList());
        var signature = (signer ?? key).SignData(SignedTreeHead.SignedData(size, 1_700_000_000_000, root), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return Json(name, new { treeSize = size, timestamp = 1_700_000_000_000, rootHash = Convert.ToHexStringLower(root), keyId = SignedTreeHead.KeyIdOf(key), signature = Convert.ToBase64String(signature) });
    }

    private string PublicKey()
    {
        var path = temp.File("key.pem");
        File.WriteAllText(path, key.ExportSubjectPublicKeyInfoPem());
        return path;
    }

    private string InclusionProof(int index, int size, Func<List<byte[]>, List<byte[]>>? change = null) =>
        Json($"proof-{index}-{size}.json", new { leafIndex = index, treeSize = size, auditPath = (change ?? (p => p))(Path(index, leaves.Take(size).ToList())).Select(Convert.ToHexStringLower) });

    private string Leaf(int index, byte[]? bytes = null) => Json($"leaf-{index}.json", new { index, leaf = Convert.ToBase64String(bytes ?? leaves[index]) });

    [Fact]
    public async Task Every_leaf_of_the_log_is_proven_with_its_event_file_or_its_hash()
    {
        var head = TreeHead("sth.json", 13);
        for (var i = 0; i < 13; i++)
        {
            var run = await Elic.RunAsync("audit", "verify", "--tree-head", head, "--proof", InclusionProof(i, 13), "--leaf", Leaf(i), "--public-key", PublicKey());
            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.StartsWith($"OK: leaf {i} ", run.Output, StringComparison.Ordinal);

            var byHash = await Elic.RunAsync("audit", "verify", "--tree-head", head, "--proof", InclusionProof(i, 13),
                "--leaf-hash", Convert.ToHexStringLower(H([0], leaves[i])), "--public-key", PublicKey());
            Assert.True(byHash.ExitCode == 0, byHash.ToString());
        }
    }

    [Fact]
    public async Task A_changed_event_a_changed_proof_or_another_key_fails_with_exit_1()
    {
        var head = TreeHead("sth.json", 13);
        var changed = (byte[])leaves[6].Clone();
        changed[^2] ^= 1;
        var run = await Elic.RunAsync("audit", "verify", "--tree-head", head, "--proof", InclusionProof(6, 13), "--leaf", Leaf(6, changed), "--public-key", PublicKey());
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("FAILED:", run.Output, StringComparison.Ordinal);

        var badProof = InclusionProof(6, 13, p => [.. p.Select((h, i) => i == 1 ? H(h) : h)]);
        run = await Elic.RunAsync("audit", "verify", "--tree-head", head, "--proof", badProof, "--leaf", Leaf(6), "--public-key", PublicKey());
        Assert.True(run.ExitCode == 1, run.ToString());

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        run = await Elic.RunAsync("audit", "verify", "--tree-head", TreeHead("forged.json", 13, other), "--proof", InclusionProof(6, 13), "--leaf", Leaf(6), "--public-key", PublicKey());
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("signature", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consistency_between_two_heads_is_proven_and_a_rewritten_history_is_not()
    {
        var old = TreeHead("old.json", 6);
        var current = TreeHead("new.json", 13);
        var proof = Json("consistency.json", new { first = 6, second = 13, proof = SubProof(6, leaves, true).Select(Convert.ToHexStringLower) });
        var run = await Elic.RunAsync("audit", "consistency", "--old", old, "--new", current, "--proof", proof, "--public-key", PublicKey());
        Assert.True(run.ExitCode == 0, run.ToString());

        // The registry signed a head over 6 events, then rewrote event 2 and grew to 13: no proof can join the two.
        leaves[2] = Encoding.UTF8.GetBytes("{\"v\":1,\"event\":\"rewritten\"}");
        var rewritten = TreeHead("rewritten.json", 13);
        var rewrittenProof = Json("consistency2.json", new { first = 6, second = 13, proof = SubProof(6, leaves, true).Select(Convert.ToHexStringLower) });
        run = await Elic.RunAsync("audit", "consistency", "--old", old, "--new", rewritten, "--proof", rewrittenProof, "--public-key", PublicKey());
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("rewritten", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_usage_and_unreadable_files_exit_64()
    {
        var head = TreeHead("sth.json", 13);
        Assert.Equal(64, (await Elic.RunAsync("audit", "verify", "--tree-head", head, "--proof", InclusionProof(1, 13), "--public-key", PublicKey())).ExitCode);
        Assert.Equal(64, (await Elic.RunAsync("audit", "verify", "--tree-head", temp.File("missing.json"), "--proof", InclusionProof(1, 13), "--leaf", Leaf(1), "--public-key", PublicKey())).ExitCode);
        var notJson = temp.File("not.json");
        await File.WriteAllTextAsync(notJson, "not json");
        Assert.Equal(64, (await Elic.RunAsync("audit", "verify", "--tree-head", head, "--proof", notJson, "--leaf", Leaf(1), "--public-key", PublicKey())).ExitCode);
        Assert.Equal(64, (await Elic.RunAsync("audit", "verify", "--tree-head", head, "--proof", InclusionProof(1, 13), "--leaf", Leaf(1), "--public-key", notJson)).ExitCode);
        Assert.Equal(64, (await Elic.RunAsync("audit", "consistency", "--old", head)).ExitCode);
    }
}
