using System.Data.Common;
using ElectronicLicense.Licenses;
using ElectronicLicense.Licenses.Archiving;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Cli.Archives;

/// <summary>A registry data directory opened in-process for <c>elic archive export</c>, acting as an archivist department.</summary>
/// <remarks>
/// The registry's own settings (its document store <c>Storage:Objects</c>, its archive store <c>Archives:Store</c>, sealing
/// trust…) come, lowest first, from the <c>--config</c> JSON file (an <c>appsettings.json</c>), then environment variables in
/// the API's form (<c>Archives__Store__Kind=s3</c>), then the command line (<c>--data-dir</c>, <c>--postgres</c>).
/// </remarks>
internal sealed class ArchiveRegistry : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private readonly DepartmentIdentity? archivist;

    private ArchiveRegistry(ServiceProvider services, DepartmentIdentity? archivist)
    {
        this.services = services;
        this.archivist = archivist;
    }

    /// <summary>The department the export is done and audited as.</summary>
    public DepartmentIdentity Archivist => archivist ?? throw new InvalidOperationException("The registry was opened to compare packages only.");

    /// <summary>The registry's archive service.</summary>
    public ArchiveService Archives => services.GetRequiredService<ArchiveService>();

    /// <summary>Opens the existing registry in <paramref name="dataDirectory"/> and checks that <paramref name="department"/> holds the archivist role.</summary>
    /// <exception cref="CliException">The code is malformed, the registry is missing or cannot be opened, or the department is not an archivist.</exception>
    public static Task<ArchiveRegistry> OpenAsync(
        string dataDirectory, string department, string? postgres, string? configFile, CancellationToken cancellationToken) =>
        UnifiedSocialCreditCode.TryParse(department, out var code, out var reason)
            ? OpenCoreAsync(dataDirectory, code, postgres, configFile, cancellationToken)
            : throw new CliException($"--as must be an archivist department's 统一社会信用代码: {reason}");

    /// <summary>Opens the existing registry in <paramref name="dataDirectory"/> to compare packages with the digests it registered (no department).</summary>
    /// <exception cref="CliException">The registry is missing or cannot be opened.</exception>
    public static Task<ArchiveRegistry> OpenToCompareAsync(string dataDirectory, string? postgres, string? configFile, CancellationToken cancellationToken) =>
        OpenCoreAsync(dataDirectory, null, postgres, configFile, cancellationToken);

    private static async Task<ArchiveRegistry> OpenCoreAsync(
        string dataDirectory, UnifiedSocialCreditCode? code, string? postgres, string? configFile, CancellationToken cancellationToken)
    {

        if (postgres is null && !Directory.Exists(dataDirectory))
        {
            throw new CliException($"--data-dir {dataDirectory}: no such registry data directory.");
        }

        var settings = RegistrySettings.Read(dataDirectory, configFile, postgres, sqlServer: null);

        // The CLI makes the packages it exports itself; a running API's worker makes the queued ones.
        settings["Archives:RunWorker"] = "false";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLicenseRegistry(configuration).BuildServiceProvider();
        try
        {
            await services.GetRequiredService<RegistryInitializer>().InitializeAsync(cancellationToken);
            if (code is null)
            {
                return new ArchiveRegistry(services, null);
            }

            var identity = await services.GetRequiredService<DepartmentDirectory>().ActAsAsync(code, DepartmentRole.Archivist, cancellationToken)
                ?? throw new CliException($"--as {code}: the registry has no department with this code that holds the archivist role.");
            return new ArchiveRegistry(services, identity);
        }
        catch (Exception e) when (e is not CliException and not OperationCanceledException)
        {
            await services.DisposeAsync();
            throw e switch
            {
                CatalogException => new CliException(e.Message, e),
                InvalidDataException => new CliException("departments file: " + e.Message, e),
                DbException or { InnerException: DbException } => new CliException("cannot open the registry database: " + (e.InnerException ?? e).Message, e),
                IOException or UnauthorizedAccessException => new CliException($"cannot use the data directory '{dataDirectory}': {e.Message}", e),
                InvalidOperationException => new CliException("registry configuration: " + e.Message, e),
                _ => e,
            };
        }
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
