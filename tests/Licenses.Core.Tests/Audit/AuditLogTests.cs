using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Errors;
using Microsoft.EntityFrameworkCore;

namespace ElectronicLicense.Licenses.Tests.Audit;

public sealed class AuditLogTests : IAsyncLifetime
{
    private const string Holder = "11010519491231002X";
    private const string Agent = "110101199003070418";
    private readonly AuditLogFixture fixture = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await fixture.DisposeAsync();

    private static AuditEntry Share(int i, string? holder = Holder) => new()
    {
        Action = AuditActions.Share,
        Outcome = i % 5 == 0 ? AuditOutcome.Denied : AuditOutcome.Success,
        ActorKind = AuditActorKind.Department,
        Department = "11500000MB1234567X",
        Role = "verifier",
        HolderCode = holder,
        AgentCode = i % 3 == 0 ? Agent : null,
        OfficerId = i % 7 == 0 ? "officer-" + i : null,
        LicenseId = "1.2.156.3005.2.11500000MB1234567X.00" + i,
        TypeCode = "11500000MB1234567X001",
        GrantId = "g-" + i,
        Purpose = "115000000000000000000",
        CaseNumber = "case-" + i,
        Fields = ["姓名", "出生日期"],
        Detail = "详情 " + i,
    };

    [Fact]
    public async Task Concurrent_appends_get_distinct_consecutive_indexes_and_the_root_of_their_leaves()
    {
        var log = await fixture.OpenAsync();
        var stored = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => log.AppendAsync(Share(i)))));

        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), stored.Select(e => e.Index).Order());
        await using var db = await fixture.Contexts.CreateDbContextAsync();
        var leaves = await db.AuditEvents.OrderBy(e => e.Index).Select(e => e.Leaf).ToListAsync();
        var head = await log.LatestTreeHeadAsync();
        Assert.Equal(500, head.TreeSize);
        Assert.Equal(Convert.ToHexStringLower(NaiveMerkle.Mth(leaves)), head.RootHash);
        foreach (var e in stored)
        {
            Assert.Equal(Convert.ToHexStringLower(NaiveMerkle.LeafHash(leaves[(int)e.Index])), e.LeafHash);
        }
    }

    [Fact]
    public async Task Two_registry_instances_on_one_database_extend_one_log_without_forking_it()
    {
        var a = await fixture.OpenAsync();
        var b = await fixture.OpenAsync();
        Assert.Equal(0, await b.SizeAsync()); // b has read the (empty) log before a writes to it
        await a.AppendAsync(Share(0));
        await b.AppendAsync(Share(1)); // b started at size 0: its first try collides with a's leaf and must continue after it
        var stored = await Task.WhenAll(Enumerable.Range(2, 200).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).AppendAsync(Share(i)))));

        Assert.Equal(Enumerable.Range(2, 200).Select(i => (long)i), stored.Select(e => e.Index).Order());
        await using var db = await fixture.Contexts.CreateDbContextAsync();
        var leaves = await db.AuditEvents.OrderBy(e => e.Index).Select(e => e.Leaf).ToListAsync();
        Assert.Equal(202, leaves.Count);
        // Each instance answers for the log as stored, whichever appended last: the same size and root, proofs up to the end.
        var heads = await Task.WhenAll(a.LatestTreeHeadAsync(), b.LatestTreeHeadAsync());
        foreach (var head in heads)
        {
            Assert.Equal(202, head.TreeSize);
            Assert.Equal(Convert.ToHexStringLower(NaiveMerkle.Mth(leaves)), head.RootHash);
        }

        Assert.Equal(202, await a.SizeAsync());
        foreach (var e in stored.Where(e => e.Index % 50 == 0))
        {
            Assert.True((await a.InclusionProofAsync(e.Index, 202)).Verify(Convert.FromHexString(e.LeafHash), heads[1]));
            Assert.True((await b.InclusionProofAsync(e.Index, 202)).Verify(Convert.FromHexString(e.LeafHash), heads[0]));
        }

        // Both signed size 202; one head is kept for it and appends go on through either instance.
        Assert.Equal(202, (await b.AppendAsync(Share(202))).Index);
        Assert.Equal(203, (await a.AppendAsync(Share(203))).Index);
        leaves.AddRange(await db.AuditEvents.Where(e => e.Index >= 202).OrderBy(e => e.Index).Select(e => e.Leaf).ToListAsync());
        var kept = await b.TreeHeadAsync(202);
        Assert.NotNull(kept);
        Assert.Contains(kept.Signature, heads.Select(h => h.Signature));
        var latest = await b.LatestTreeHeadAsync();
        Assert.Equal(204, latest.TreeSize);
        Assert.Equal(Convert.ToHexStringLower(NaiveMerkle.Mth(leaves)), latest.RootHash);
        Assert.True((await a.ConsistencyProofAsync(202, 204)).Verify(kept, latest));
    }

    [Fact]
    public async Task A_restarted_log_has_the_same_root_continues_the_indexes_and_proves_consistency_with_its_old_heads()
    {
        var first = await fixture.OpenAsync();
        for (var i = 0; i < 37; i++)
        {
            await first.AppendAsync(Share(i));
        }

        var before = await first.LatestTreeHeadAsync();
        await first.DisposeAsync();

        var second = await fixture.OpenAsync();
        Assert.Equal(before.TreeSize, await second.SizeAsync());
        Assert.Equal(before.RootHash, Convert.ToHexStringLower(await second.RootAtAsync(37)));
        var next = await second.AppendAsync(Share(37));
        Assert.Equal(37, next.Index);
        for (var i = 38; i < 100; i++)
        {
            await second.AppendAsync(Share(i));
        }

        var after = await second.LatestTreeHeadAsync();
        Assert.Equal(100, after.TreeSize);
        Assert.True((await second.ConsistencyProofAsync(37, 100)).Verify(before, after));
        Assert.Equal(before.Signature, (await second.TreeHeadAsync(37))!.Signature);

        using var key = ECDsa.Create();
        key.ImportFromPem(second.PublicKeyPem);
        Assert.True(before.VerifySignature(key));
        Assert.True(after.VerifySignature(key));
        Assert.Equal(second.KeyId, after.KeyId);
    }

    [Fact]
    public async Task Every_event_has_an_inclusion_proof_that_verifies_against_the_signed_head_and_only_there()
    {
        var log = await fixture.OpenAsync();
        var stored = new List<AuditedEvent>();
        for (var i = 0; i < 45; i++)
        {
            stored.Add(await log.AppendAsync(Share(i)));
        }

        var head = await log.LatestTreeHeadAsync();
        foreach (var e in stored)
        {
            var proof = await log.InclusionProofAsync(e.Index, head.TreeSize);
            var leafHash = Convert.FromHexString(e.LeafHash);
            Assert.True(proof.Verify(leafHash, head), $"event {e.Index}");
            Assert.False(proof.Verify(SHA256.HashData(leafHash), head));
        }

        // A proof for another size never verifies against this head: the signed size is part of the check.
        var older = await log.InclusionProofAsync(3, 40);
        Assert.False(older.Verify(Convert.FromHexString(stored[3].LeafHash), head));
    }

    [Fact]
    public async Task Proof_parameters_outside_the_log_are_refused_naming_the_parameter()
    {
        var log = await fixture.OpenAsync();
        await log.AppendAsync(Share(1));

        var tooLarge = await Assert.ThrowsAsync<RegistryException>(() => log.InclusionProofAsync(0, 2));
        Assert.Equal(RegistryErrorCodes.InvalidParameter, tooLarge.Code);
        Assert.Equal("/treeSize", Assert.Single(tooLarge.Errors).Pointer);
        var index = await Assert.ThrowsAsync<RegistryException>(() => log.InclusionProofAsync(1, 1));
        Assert.Equal("/index", Assert.Single(index.Errors).Pointer);
        var first = await Assert.ThrowsAsync<RegistryException>(() => log.ConsistencyProofAsync(2, 1));
        Assert.Equal("/first", Assert.Single(first.Errors).Pointer);
    }

    [Fact]
    public async Task Holder_agent_and_officer_never_appear_in_clear_in_the_log_tables()
    {
        var log = await fixture.OpenAsync();
        for (var i = 0; i < 30; i++)
        {
            await log.AppendAsync(Share(i));
        }

        await log.LatestTreeHeadAsync();
        await using var db = await fixture.Contexts.CreateDbContextAsync();
        var leaves = await db.AuditEvents.Select(e => e.Leaf).ToListAsync();
        var text = string.Join("\n", leaves.Select(Encoding.UTF8.GetString));
        Assert.DoesNotContain(Holder, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Agent, text, StringComparison.Ordinal);
        Assert.DoesNotContain("officer-", text, StringComparison.Ordinal);

        // The same holder hashes to the same value in every leaf, so their events link without naming them.
        var hashes = leaves.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("holder").GetString()).Distinct().ToList();
        Assert.Single(hashes);
        Assert.Matches("^[0-9a-f]{64}$", hashes[0]!);

        // And no byte sequence of the holder code hides in any binary column of the log either.
        var holderBytes = Encoding.UTF8.GetBytes(Holder);
        var binaries = (await db.AuditEvents.Select(e => e.LeafHash).ToListAsync())
            .Concat(await db.AuditNodes.Select(n => n.Hash).ToListAsync())
            .Concat(await db.AuditTreeHeads.Select(h => h.Signature).ToListAsync());
        Assert.DoesNotContain(binaries, b => b.AsSpan().IndexOf(holderBytes) >= 0);
    }

    [Fact]
    public async Task ForHolder_returns_that_holders_events_newest_first_in_pages_with_the_readable_fields()
    {
        var log = await fixture.OpenAsync();
        for (var i = 0; i < 20; i++)
        {
            await log.AppendAsync(Share(i, i % 2 == 0 ? Holder : "110101199003070418"));
        }

        var page1 = await log.ForHolderAsync(Holder, 0, 4);
        var page2 = await log.ForHolderAsync(Holder, 4, 100);
        var all = page1.Concat(page2).ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => 18L - (2 * i)), all.Select(e => e.Index));
        Assert.All(all, e => Assert.Equal(Holder, e.Entry.HolderCode));
        var latest = all[0];
        Assert.Equal(Share(18) with { Fields = null }, latest.Entry with { Fields = null });
        Assert.Equal(["姓名", "出生日期"], latest.Entry.Fields!);
    }

    [Fact]
    public async Task A_failed_batch_stores_nothing_and_the_log_continues_where_it_was()
    {
        var log = await fixture.OpenAsync();
        for (var i = 0; i < 5; i++)
        {
            await log.AppendAsync(Share(i));
        }

        // A stray subtree row where event 5's leaf hash must go makes the batch's last insert fail.
        await using (var db = await fixture.Contexts.CreateDbContextAsync())
        {
            db.AuditNodes.Add(new ElectronicLicense.Licenses.Persistence.AuditNodeRecord { Level = 0, Index = 5, Hash = new byte[32] });
            await db.SaveChangesAsync();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => log.AppendAsync(Share(5)));
        await using (var db = await fixture.Contexts.CreateDbContextAsync())
        {
            Assert.Equal(5, await db.AuditEvents.CountAsync());
            Assert.Equal(0, await db.AuditDetails.CountAsync(d => d.Index >= 5));
            db.AuditNodes.Remove(await db.AuditNodes.SingleAsync(n => n.Level == 0 && n.Index == 5));
            await db.SaveChangesAsync();
        }

        var next = await log.AppendAsync(Share(6));
        Assert.Equal(5, next.Index);
        await using (var db = await fixture.Contexts.CreateDbContextAsync())
        {
            var leaves = await db.AuditEvents.OrderBy(e => e.Index).Select(e => e.Leaf).ToListAsync();
            Assert.Equal(Convert.ToHexStringLower(NaiveMerkle.Mth(leaves)), (await log.LatestTreeHeadAsync()).RootHash);
        }
    }

    [Fact]
    public async Task A_rewritten_event_is_detected_when_the_log_restarts()
    {
        var log = await fixture.OpenAsync();
        for (var i = 0; i < 10; i++)
        {
            await log.AppendAsync(Share(i));
        }

        await log.LatestTreeHeadAsync();
        await log.DisposeAsync();
        await using (var db = await fixture.Contexts.CreateDbContextAsync())
        {
            var leaf = await db.AuditEvents.SingleAsync(e => e.Index == 8);
            leaf.Leaf = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(leaf.Leaf).Replace("success", "denied", StringComparison.Ordinal));
            await db.SaveChangesAsync();
        }

        var reopened = await fixture.OpenAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => reopened.SizeAsync());
        Assert.Contains("event 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tree_head_signature_verifies_with_openssl_on_the_published_public_key()
    {
        var log = await fixture.OpenAsync();
        await log.AppendAsync(Share(1));
        await log.AppendAsync(Share(2));
        var head = await log.LatestTreeHeadAsync();

        var key = Path.Combine(fixture.Folder, "sth-key.pem");
        var data = Path.Combine(fixture.Folder, "sth.bin");
        var signature = Path.Combine(fixture.Folder, "sth.sig");
        await File.WriteAllTextAsync(key, log.PublicKeyPem + "\n");
        await File.WriteAllBytesAsync(data, SignedTreeHead.SignedData(head.TreeSize, head.Timestamp, Convert.FromHexString(head.RootHash)));
        await File.WriteAllBytesAsync(signature, Convert.FromBase64String(head.Signature));

        var (exit, output) = OpenSsl("dgst", "-sha256", "-verify", key, "-signature", signature, data);
        Assert.True(exit == 0, output);
        Assert.Contains("Verified OK", output, StringComparison.Ordinal);

        // The key id is the SHA-256 of the DER SubjectPublicKeyInfo, as openssl exports it.
        var der = Path.Combine(fixture.Folder, "sth-key.der");
        Assert.Equal(0, OpenSsl("pkey", "-pubin", "-in", key, "-outform", "DER", "-out", der).Exit);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(der))), head.KeyId);

        var changed = File.ReadAllBytes(data);
        changed[^1] ^= 1;
        await File.WriteAllBytesAsync(data, changed);
        Assert.NotEqual(0, OpenSsl("dgst", "-sha256", "-verify", key, "-signature", signature, data).Exit);
    }

    [Fact]
    public async Task A_tree_head_is_signed_periodically_when_the_log_grew()
    {
        var log = await fixture.OpenAsync(treeHeadInterval: TimeSpan.FromMilliseconds(100));
        await log.AppendAsync(Share(1));
        await log.AppendAsync(Share(2));

        SignedTreeHead? head = null;
        for (var wait = 0; wait < 50 && head is null; wait++)
        {
            await Task.Delay(100);
            head = await log.TreeHeadAsync(2);
        }

        Assert.NotNull(head);
        Assert.Equal(Convert.ToHexStringLower(await log.RootAtAsync(2)), head.RootHash);
    }

    [Fact]
    public async Task Key_files_are_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var log = await fixture.OpenAsync();
        await log.AppendAsync(Share(1));
        foreach (var file in new[] { "audit-hmac.key", "audit-sth-p256.pem" })
        {
            var mode = File.GetUnixFileMode(Path.Combine(fixture.KeyDirectory, file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }

        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", await File.ReadAllTextAsync(Path.Combine(fixture.KeyDirectory, "audit-sth-p256.pem")), StringComparison.Ordinal);
    }

    private static (int Exit, string Output) OpenSsl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
