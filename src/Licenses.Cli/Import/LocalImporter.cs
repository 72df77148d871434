using System.Data.Common;
using System.Runtime.CompilerServices;
using ElectronicLicense.Licenses;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Cli.Import;

/// <summary>Imports straight into a registry's data directory (or its PostgreSQL database) with Core, acting as a department without a token.</summary>
/// <remarks>For operators on the registry's own machine: whoever can write the data directory can already change anything in it.</remarks>
internal sealed class LocalImporter : IImporter
{
    private readonly ServiceProvider services;
    private readonly DepartmentIdentity caller;

    private LocalImporter(ServiceProvider services, DepartmentIdentity caller, string target)
    {
        this.services = services;
        this.caller = caller;
        Target = target;
    }

    public string Target { get; }

    /// <summary>Opens the registry in <paramref name="dataDirectory"/> (creating it on first use) and checks that <paramref name="department"/> is an issuer.</summary>
    /// <exception cref="CliException">The code is malformed, the department unknown or not an issuer, or the registry cannot be opened.</exception>
    public static async Task<LocalImporter> OpenAsync(
        CliContext context, string dataDirectory, string department, string? postgres, CancellationToken cancellationToken)
    {
        if (!UnifiedSocialCreditCode.TryParse(department, out var code, out var reason))
        {
            throw new CliException($"--as must be a department's 统一社会信用代码: {reason}");
        }

        var settings = new Dictionary<string, string?> { ["Storage:DataDirectory"] = Path.GetFullPath(dataDirectory) };
        if (postgres is not null)
        {
            settings["Storage:Provider"] = "postgresql";
            settings["Storage:ConnectionString"] = postgres;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLicenseRegistry(configuration).BuildServiceProvider();
        try
        {
            var startup = await services.GetRequiredService<RegistryInitializer>().InitializeAsync(cancellationToken);
            if (startup.DemoCredentialsFile is not null)
            {
                context.WriteNote($"New registry: demo departments created; their credentials are in {startup.DemoCredentialsFile}.");
            }

            var identity = await services.GetRequiredService<DepartmentDirectory>().ActAsAsync(code, DepartmentRole.Issuer, cancellationToken)
                ?? throw new CliException($"--as {code}: the registry has no department with this code that holds the issuer role.");
            var target = postgres is null ? Path.GetFullPath(dataDirectory) : $"{Path.GetFullPath(dataDirectory)} (PostgreSQL)";
            return new LocalImporter(services, identity, $"{target} as {identity.Department.Name}");
        }
        catch (Exception e) when (e is not CliException and not OperationCanceledException)
        {
            await services.DisposeAsync();
            throw e switch
            {
                CatalogException => new CliException(e.Message, e),
                InvalidDataException => new CliException("departments file: " + e.Message, e),
                DbException or { InnerException: DbException } => new CliException("cannot open the registry database: " + DatabaseProblem(e), e),
                IOException or UnauthorizedAccessException => new CliException($"cannot use the data directory '{dataDirectory}': {e.Message}", e),
                InvalidOperationException => new CliException("registry: " + e.Message, e),
                _ => e,
            };
        }
    }

    public async IAsyncEnumerable<ImportedLine> ImportAsync(Stream ndjson, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ingest = services.GetRequiredService<IngestService>();
        var issuance = services.GetRequiredService<DocumentIssuance>();

        // No API worker runs here: the documents of stored licenses are sealed alongside the import, and the import
        // ends when they are (a job that fails stays queued for the API's worker).
        using var imported = new CancellationTokenSource();
        var sealing = SealWhileImportingAsync(issuance, imported.Token, cancellationToken);
        await using (var results = ingest.IngestBatchAsync(caller, ndjson, cancellationToken).GetAsyncEnumerator(cancellationToken))
        {
            while (await MoveNextAsync(results))
            {
                var item = results.Current;
                var result = item.Result;
                yield return result.Error is { } error
                    ? new ImportedLine(item.Line, Outcomes.Rejected, new Rejection(
                        item.Line, error.Code, error.Message, error.Errors.Select(f => new RejectedField(f.Pointer, f.Message)).ToArray()))
                    : new ImportedLine(item.Line, Name(result.Outcome), null);
            }
        }

        await imported.CancelAsync();
        await sealing;
    }

    private static async Task SealWhileImportingAsync(DocumentIssuance issuance, CancellationToken importDone, CancellationToken cancellationToken)
    {
        while (true)
        {
            var finished = importDone.IsCancellationRequested;
            var issued = await issuance.IssuePendingAsync(cancellationToken);
            if (finished)
            {
                return;
            }

            if (issued == 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), importDone);
                }
                catch (OperationCanceledException) when (importDone.IsCancellationRequested)
                {
                    // The import is done: one last pass takes what its last chunk queued.
                }
            }
        }
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();

    private static async Task<bool> MoveNextAsync(IAsyncEnumerator<BatchLineResult> results)
    {
        try
        {
            return await results.MoveNextAsync();
        }
        catch (Exception e) when (e is DbException or { InnerException: DbException } or IOException)
        {
            // Every line reported before this one is stored; the chunk that failed and everything after it are not.
            throw new CliException("the registry database failed during the import: " + DatabaseProblem(e), e);
        }
    }

    /// <summary>The database driver's own message (and its cause), not EF Core's generic wrapper around it.</summary>
    private static string DatabaseProblem(Exception e)
    {
        var database = e as DbException ?? e.InnerException as DbException;
        if (database is null)
        {
            return e.Message;
        }

        return database.InnerException is { } cause ? $"{database.Message} ({cause.Message})" : database.Message;
    }

    private static string Name(IngestOutcome outcome) => outcome switch
    {
        IngestOutcome.Created => Outcomes.Created,
        IngestOutcome.NewVersion => Outcomes.NewVersion,
        IngestOutcome.Unchanged => Outcomes.Unchanged,
        _ => Outcomes.Rejected,
    };
}
