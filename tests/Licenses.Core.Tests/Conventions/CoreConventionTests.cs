using System.Reflection;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Licenses.Tests.Conventions;

public class CoreConventionTests
{
    private static readonly Assembly Core = typeof(LicenseCatalog).Assembly;

    private static readonly Type[] Services =
    [
        typeof(IngestService), typeof(LicenseQueryService), typeof(LifecycleService), typeof(DepartmentDirectory), typeof(RegistryInitializer),
    ];

    public static TheoryData<Type> ServiceTypes() => new(Services);

    [Theory]
    [MemberData(nameof(ServiceTypes))]
    public void Services_are_public_sealed_and_cannot_be_constructed_outside_core(Type service)
    {
        Assert.True(service.IsPublic && service.IsSealed, $"{service.Name} should be public and sealed");
        Assert.Empty(service.GetConstructors(BindingFlags.Public | BindingFlags.Instance));
    }

    [Fact]
    public void AddLicenseRegistry_registers_every_service_as_a_singleton()
    {
        var services = new ServiceCollection().AddLicenseRegistry(new ConfigurationBuilder().Build());

        foreach (var service in Services)
        {
            var descriptor = Assert.Single(services, d => d.ServiceType == service);
            Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
        }
    }

    [Fact]
    public void Every_public_exception_type_is_sealed()
    {
        var exceptions = Core.GetExportedTypes().Where(t => typeof(Exception).IsAssignableFrom(t)).ToList();

        Assert.Contains(typeof(RegistryException), exceptions);
        Assert.Contains(typeof(CatalogException), exceptions);
        Assert.All(exceptions, t => Assert.True(t.IsSealed, $"{t.FullName} should be sealed"));
    }
}
