namespace ElectronicLicense.Cli.Tests.Support;

/// <summary>A fact that needs a PostgreSQL server: runs when <c>ELIC_TEST_POSTGRES</c> holds a connection string, is skipped otherwise.</summary>
/// <remarks><c>scripts/test.sh</c> starts a throwaway cluster and sets the variable.</remarks>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "ELIC_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            Skip = $"{Variable} is not set";
        }
    }

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable);
}
