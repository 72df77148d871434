using Xunit;

namespace ElectronicLicense.TestSupport;

/// <summary>A fact that needs a PostgreSQL server given by <c>ELIC_TEST_POSTGRES</c>.</summary>
/// <remarks>
/// <c>scripts/test.sh</c> starts a throwaway cluster and sets the variable. Without it the test fails rather
/// than skips: PostgreSQL support must never silently go untested.
/// </remarks>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "ELIC_TEST_POSTGRES";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{Variable} is not set; scripts/test.sh installs and starts a throwaway PostgreSQL and sets it.");
}
