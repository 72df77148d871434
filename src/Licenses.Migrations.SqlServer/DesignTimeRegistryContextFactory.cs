using ElectronicLicense.Licenses.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ElectronicLicense.Licenses.Migrations.SqlServer;

/// <summary>The context dotnet-ef builds to add SQL Server migrations (no database is opened).</summary>
internal sealed class DesignTimeRegistryContextFactory : IDesignTimeDbContextFactory<RegistryDbContext>
{
    public RegistryDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<RegistryDbContext>();
        RegistryDatabase.Configure(options, DatabaseProvider.SqlServer, "Server=localhost;Database=design_time;TrustServerCertificate=true");
        return new RegistryDbContext(options.Options);
    }
}
