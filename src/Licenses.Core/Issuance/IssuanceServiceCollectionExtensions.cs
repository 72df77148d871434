using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Issuance;

/// <summary>Registers license rendering.</summary>
public static class IssuanceServiceCollectionExtensions
{
    /// <summary>Adds the OFD and PDF renderers (one instance each, so the font is read once), configured from the <c>Issuance</c> section.</summary>
    public static IServiceCollection AddLicenseIssuance(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<IssuanceOptions>(configuration.GetSection(IssuanceOptions.Section));
        services.AddSingleton(sp => new LicenseOfdRenderer(sp.GetRequiredService<IOptions<IssuanceOptions>>()));
        services.AddSingleton(sp => new LicensePdfRenderer(sp.GetRequiredService<IOptions<IssuanceOptions>>()));
        return services;
    }
}
