using System.Text.Encodings.Web;
using ElectronicLicense.Api.Archives;
using ElectronicLicense.Api.Audit;
using ElectronicLicense.Api.Authentication;
using ElectronicLicense.Api.Catalog;
using ElectronicLicense.Api.Departments;
using ElectronicLicense.Api.Licenses;
using ElectronicLicense.Api.Presentation;
using ElectronicLicense.Api.Problems;
using ElectronicLicense.Api.Seals;
using ElectronicLicense.Api.Sharing;
using ElectronicLicense.Api.Verification;
using ElectronicLicense.Licenses;
using ElectronicLicense.Licenses.Catalog;
using Microsoft.AspNetCore.Authentication;

var builder = WebApplication.CreateBuilder(args);
// appsettings.json ships beside the binary, but `dotnet run` from the repository root (scripts/run.sh, so ./data is where
// the README says) makes the root the content root, where there is none. Read the shipped one first, at the lowest
// precedence: a content-root file, environment variables and command-line settings still override it.
builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
{
    Path = "appsettings.json",
    Optional = true,
    FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(AppContext.BaseDirectory),
});

builder.Services.AddLicenseRegistry(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<RegistryExceptionHandler>();
builder.Services.ConfigureHttpJsonOptions(options =>
{
    // Chinese text and punctuation stay readable instead of \uXXXX escapes; responses are JSON, never embedded in HTML.
    options.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    options.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
});
builder.Services.AddAuthentication(HolderAuthentication.SelectorScheme)
    .AddScheme<AuthenticationSchemeOptions, DepartmentTokenHandler>(DepartmentTokenHandler.SchemeName, null)
    .AddHolderAuthentication(builder.Configuration);
builder.Services.AddAuthorizationBuilder()
    .AddPolicy(Policies.Issuer, p => p.RequireRole("issuer"))
    .AddPolicy(Policies.IssuerOrAdmin, p => p.RequireRole("issuer", "admin"))
    .AddPolicy(Policies.Admin, p => p.RequireRole("admin"))
    .AddPolicy(Policies.ArchivistOrAdmin, p => p.RequireRole("archivist", "admin"))
    .AddPolicy(Policies.AnyDepartment, p => p.RequireRole("issuer", "verifier", "archivist", "admin"))
    .AddPolicy(Policies.Holder, p => p.RequireRole(HolderClaims.Role));
builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
builder.Services.AddOpenApi();

var app = builder.Build();

RegistryStartup startup;
try
{
    startup = await app.Services.GetRequiredService<RegistryInitializer>().InitializeAsync();
}
catch (CatalogException e)
{
    await Console.Error.WriteLineAsync("Cannot start: " + e.Message);
    return 2;
}
catch (InvalidDataException e)
{
    await Console.Error.WriteLineAsync("Cannot start: departments file: " + e.Message);
    return 2;
}
catch (InvalidOperationException e)
{
    // Missing font, unreadable trusted certificate, key store password: the message says what to fix and holds no secret.
    await Console.Error.WriteLineAsync("Cannot start: " + e.Message);
    return 2;
}

var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ElectronicLicense.Startup");
log.LogInformation("License catalog: {Count} types loaded", startup.CatalogTypes);
foreach (var warning in startup.Warnings)
{
    log.LogWarning("Catalog: {Warning}", warning);
}

if (startup.SealsMade > 0)
{
    log.LogInformation("Seals: {Count} demo seals will be made on first use for the departments the signature policies name", startup.SealsMade);
}

if (startup.DemoCredentialsFile is not null)
{
    // Shown once, on the console only (not through the logging pipeline), and kept in the data directory with owner-only access.
    Console.WriteLine($"Demo departments created. Their credentials (shown only now) are in {startup.DemoCredentialsFile}:");
    foreach (var (code, roles) in startup.DemoCredentials!)
    {
        foreach (var (role, token) in roles)
        {
            Console.WriteLine($"  {code}  {role,-9}  {token}");
        }
    }
}

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapCatalogApi();
app.MapLicensesApi();
app.MapDepartmentsApi();
app.MapSealsApi();
app.MapSharingApi();
app.MapVerificationsApi();
app.MapAuditApi();
app.MapPresentationApi();
app.MapArchivesApi();
app.MapGet("/", () => TypedResults.Redirect("/openapi/v1.json")).ExcludeFromDescription();

await app.RunAsync();
return 0;

/// <summary>Entry point, public so integration tests can host the API.</summary>
public partial class Program;
