using System.Reflection;

namespace ElectronicLicense.Seals.Tests;

public class ConventionTests
{
    [Fact]
    public void Seals_does_not_reference_the_license_registry()
    {
        var seals = Assembly.Load("ElectronicLicense.Seals");

        var references = seals.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.NotEmpty(references);
        Assert.DoesNotContain("ElectronicLicense.Licenses.Core", references);
        Assert.DoesNotContain(references, name => name!.StartsWith("ElectronicLicense.Licenses", StringComparison.Ordinal));
    }
}
