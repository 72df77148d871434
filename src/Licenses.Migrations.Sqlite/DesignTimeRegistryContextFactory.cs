using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ElectronicLicense.Licenses.Migrations.Sqlite;

/// <summary>The context dotnet-ef builds to add SQLite migrations (no database is opened).</summary>
internal sealed class DesignTimeRegistryContextFactory : IDesignTimeDbContextFactory<RegistryDbContext>
{
    public RegistryDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<RegistryDbContext>();
        RegistryDatabase.Configure(options, DatabaseProvider.Sqlite, "Data Source=design-time.db");
        return new RegistryDbContext(options.Options);
    }
}
