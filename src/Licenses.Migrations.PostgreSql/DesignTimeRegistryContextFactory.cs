using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ElectronicLicense.Licenses.Migrations.PostgreSql;

/// <summary>The context dotnet-ef builds to add PostgreSQL migrations (no database is opened).</summary>
internal sealed class DesignTimeRegistryContextFactory : IDesignTimeDbContextFactory<RegistryDbContext>
{
    public RegistryDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<RegistryDbContext>();
        RegistryDatabase.Configure(options, DatabaseProvider.PostgreSql, "Host=localhost;Database=design_time");
        return new RegistryDbContext(options.Options);
    }
}
