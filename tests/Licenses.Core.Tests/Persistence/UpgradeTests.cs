using System.Security.Cryptography;
using ElectronicLicense.Licenses.Audit;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Verification;
using ElectronicLicense.Seals.Verification;
using ElectronicLicense.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Persistence;

/// <summary>A registry made by the last build without migrations upgrades in place, losing nothing.</summary>
public sealed class UpgradeTests
{
    private static readonly UnifiedSocialCreditCode Verifier = UnifiedSocialCreditCode.Parse("11500000MB1503013M");

    [Fact]
    public Task Sqlite_registry_made_by_EnsureCreated_upgrades_with_every_row_and_proof_intact() => UpgradesIntact(DatabaseProvider.Sqlite);

    [PostgresFact]
    public Task PostgreSql_registry_made_by_EnsureCreated_upgrades_with_every_row_and_proof_intact() => UpgradesIntact(DatabaseProvider.PostgreSql);

    private static async Task UpgradesIntact(DatabaseProvider provider)
    {
        await using var legacy = await LegacyRegistry.CopyAsync(provider);
        var before = await legacy.RowsAsync();
        Assert.Equal(3, before["licenses"].Count);
        Assert.Equal(23, before["audit_events"].Count);
        Assert.Equal(4, before["archive_packages"].Count);

        // Servers are upgraded by their administrator; the test plays it (elic db migrate runs the same MigrateAsync).
        await using (var services = legacy.Services(("Storage:MigrateAtStartup", "true")))
        {
            var schema = services.GetRequiredService<RegistrySchema>();
            var status = await schema.GetStatusAsync();
            Assert.True(status.NeedsBaseline);
            Assert.Empty(status.Applied);

            await services.GetRequiredService<RegistryInitializer>().InitializeAsync();

            status = await schema.GetStatusAsync();
            Assert.True(status.IsCurrent);
            Assert.Equal(RegistrySchema.InitialMigration, status.Applied[0]); // baselined, then the later migrations applied
        }

        // Every row is there unchanged (start-up may add rows of its own, such as demo seals; it changes none).
        var after = await legacy.RowsAsync();
        foreach (var (table, rows) in before)
        {
            Assert.Empty(rows.Except(after[table], StringComparer.Ordinal));
        }

        Assert.Equal(before["licenses"], after["licenses"]);
        Assert.Equal(before["audit_events"], after["audit_events"]);

        await using (var services = legacy.Services())
        {
            await services.GetRequiredService<RegistryInitializer>().InitializeAsync();
            await EveryAuditProofHolds(services, before["audit_tree_heads"].Count);
            await EveryDocumentStillVerifies(services);
        }
    }

    /// <summary>Each tree head signed before the upgrade still verifies, and proves every event it covers.</summary>
    private static async Task EveryAuditProofHolds(IServiceProvider services, int treeHeads)
    {
        var log = services.GetRequiredService<AuditLog>();
        using var key = ECDsa.Create();
        key.ImportFromPem(log.PublicKeyPem);
        var contexts = services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var sizes = await db.AuditTreeHeads.Select(h => h.TreeSize).OrderBy(s => s).ToListAsync();
        Assert.Equal(treeHeads, sizes.Count);
        foreach (var size in sizes)
        {
            var head = await log.TreeHeadAsync(size);
            Assert.NotNull(head);
            Assert.True(head.VerifySignature(key), $"tree head {size}");
            for (var index = 0L; index < size; index++)
            {
                var leaf = (await log.EventAsync(index))!;
                var proof = await log.InclusionProofAsync(index, size);
                Assert.True(proof.Verify(Convert.FromHexString(leaf.LeafHash), head), $"event {index} in tree {size}");
            }
        }

        var first = (await log.TreeHeadAsync(sizes[0]))!;
        var latest = await log.LatestTreeHeadAsync();
        Assert.True((await log.ConsistencyProofAsync(first.TreeSize, latest.TreeSize)).Verify(first, latest));
    }

    /// <summary>Each stored OFD and PDF is found by 核验 as the registered file, intact, with its license's status today.</summary>
    private static async Task EveryDocumentStillVerifies(IServiceProvider services)
    {
        var caller = (await services.GetRequiredService<DepartmentDirectory>().ActAsAsync(Verifier, DepartmentRole.Verifier))!;
        var verification = services.GetRequiredService<VerificationService>();
        var contexts = services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var documents = await db.LicenseDocuments
            .Join(db.LicenseVersions, d => d.LicenseVersionRecordId, v => v.Id, (d, v) => new { d.Sha256, v.LicenseRecordId })
            .Join(db.Licenses, x => x.LicenseRecordId, l => l.Id, (x, l) => new { x.Sha256, l.Status })
            .ToListAsync();
        Assert.Equal(6, documents.Count);
        var storage = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value.DataDirectory;
        foreach (var document in documents)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(storage, "objects", "sha256", document.Sha256[..2], document.Sha256));
            var result = await verification.VerifyFileAsync(caller, bytes);
            Assert.Equal(Indication.TotalPassed, result.Report.Document!.Indication);
            Assert.Equal(document.Status.ToString().ToLowerInvariant(), result.Report.Status);
        }
    }
}
