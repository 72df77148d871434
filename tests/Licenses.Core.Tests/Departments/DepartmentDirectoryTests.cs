using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Tests.Verification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Departments;

/// <summary>Bearer-token authentication: a brief cache of successful lookups that never outlives a revocation made through the directory.</summary>
public sealed class DepartmentDirectoryTests(VerificationRegistry registry) : IClassFixture<VerificationRegistry>
{
    private const string BigData = "11500000MB1512016F"; // 重庆市大数据应用发展管理局: verifier

    private DepartmentDirectory Directory => registry.Services.GetRequiredService<DepartmentDirectory>();

    private string VerifierToken() => registry.Startup!.DemoCredentials![BigData]["verifier"];

    [Fact]
    public async Task A_demo_token_authenticates_as_its_department_and_role_and_an_unknown_token_does_not()
    {
        var identity = await Directory.AuthenticateAsync(VerifierToken());

        Assert.NotNull(identity);
        Assert.Equal(BigData, identity.Code.Value);
        Assert.Equal(DepartmentRole.Verifier, identity.Role);
        Assert.Null(await Directory.AuthenticateAsync("elic_" + new string('A', 43)));
        Assert.Null(await Directory.AuthenticateAsync(VerifierToken() + "x"));
    }

    [Fact]
    public async Task A_revoked_credential_is_refused_from_the_next_request_even_though_its_lookup_was_cached()
    {
        var token = registry.Startup!.DemoCredentials!.First(d => d.Key != BigData && d.Value.Count > 0).Value.First().Value;
        Assert.NotNull(await Directory.AuthenticateAsync(token));
        Assert.NotNull(await Directory.AuthenticateAsync(token));

        Assert.True(await Directory.RevokeCredentialAsync(token));

        Assert.Null(await Directory.AuthenticateAsync(token));
        Assert.False(await Directory.RevokeCredentialAsync(token));
    }

    [Fact]
    public async Task A_credential_revoked_in_the_database_is_refused_once_the_cache_duration_has_passed()
    {
        var token = registry.Startup!.DemoCredentials!.Last(d => d.Key != BigData && d.Value.Count > 0).Value.Last().Value;
        Assert.NotNull(await Directory.AuthenticateAsync(token));
        var hash = DepartmentDirectory.Hash(token);
        await registry.ExecuteAsync(db => db.Credentials.Where(c => c.TokenHash == hash)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.RevokedAtUtc, DateTime.UtcNow)));

        registry.Clock.Offset += new DepartmentOptions().CredentialCacheDuration + TimeSpan.FromSeconds(1);
        try
        {
            Assert.Null(await Directory.AuthenticateAsync(token));
        }
        finally
        {
            registry.Clock.Offset = TimeSpan.Zero;
        }
    }
}
