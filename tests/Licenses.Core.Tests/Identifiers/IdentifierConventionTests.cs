using System.Reflection;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Tests.Identifiers;

public class IdentifierConventionTests
{
    private static readonly NullabilityInfoContext Nullability = new();

    public static TheoryData<Type> ParsableTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in PublicIdentifierTypes().Where(HasParse))
        {
            data.Add(type);
        }

        return data;
    }

    [Fact]
    public void The_parsable_identifier_types_are_the_expected_ones()
    {
        var names = PublicIdentifierTypes().Where(HasParse).Select(t => t.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["CitizenId", "LicenseId", "LicenseTypeCode", "UnifiedSocialCreditCode"], names);
    }

    [Theory]
    [MemberData(nameof(ParsableTypes))]
    public void Every_parsable_type_has_a_TryParse_with_a_reason(Type type)
    {
        var tryParse = type.GetMethod(
            "TryParse",
            BindingFlags.Public | BindingFlags.Static,
            [typeof(string), type.MakeByRefType(), typeof(string).MakeByRefType()]);

        Assert.NotNull(tryParse);
        Assert.Equal(typeof(bool), tryParse.ReturnType);
        var parameters = tryParse.GetParameters();
        Assert.Equal(NullabilityState.Nullable, Nullability.Create(parameters[0]).ReadState);
        Assert.True(parameters[1].IsOut);
        Assert.True(parameters[2].IsOut);
        Assert.Equal(NullabilityState.Nullable, Nullability.Create(parameters[1]).WriteState);
        Assert.Equal(NullabilityState.Nullable, Nullability.Create(parameters[2]).WriteState);
    }

    [Theory]
    [MemberData(nameof(ParsableTypes))]
    public void Every_parsable_type_is_a_sealed_equatable_class_without_public_constructors(Type type)
    {
        Assert.True(type.IsClass && type.IsSealed, $"{type.Name} should be a sealed class");
        Assert.Empty(type.GetConstructors(BindingFlags.Public | BindingFlags.Instance));
        Assert.Contains(typeof(IEquatable<>).MakeGenericType(type), type.GetInterfaces());
        Assert.NotNull(type.GetMethod("op_Equality", [type, type]));
        Assert.NotNull(type.GetMethod("op_Inequality", [type, type]));
        Assert.Equal(type, type.GetMethod(nameof(ToString), Type.EmptyTypes)!.DeclaringType);
    }

    [Fact]
    public void Only_the_allow_list_has_a_public_constructor_among_the_classes_with_behaviour()
    {
        var withConstructors = PublicIdentifierTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t != typeof(IdentifierInspection))
            .Where(t => t.GetConstructors(BindingFlags.Public | BindingFlags.Instance).Length > 0)
            .Select(t => t.Name);

        Assert.Equal([nameof(UsccAllowList)], withConstructors);
    }

    [Theory]
    [MemberData(nameof(ParsableTypes))]
    public void Every_parsable_type_exposes_only_read_only_state(Type type)
    {
        Assert.All(type.GetProperties(), p => Assert.Null(p.SetMethod));
        Assert.All(type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic), f => Assert.True(f.IsInitOnly, $"{type.Name}.{f.Name} is mutable"));
    }

    private static IEnumerable<Type> PublicIdentifierTypes() =>
        typeof(CitizenId).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == typeof(CitizenId).Namespace);

    private static bool HasParse(Type type) =>
        type.GetMethod("Parse", BindingFlags.Public | BindingFlags.Static, [typeof(string)]) is not null;
}
