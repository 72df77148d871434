using System.Globalization;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Identifiers;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Bench;

/// <summary>What every benchmark mode shares: reading its numeric options and stating the machine's load beside its figures.</summary>
internal static class BenchSupport
{
    /// <summary>Whether <paramref name="args"/>[<paramref name="index"/>] is a positive integer.</summary>
    public static bool Positive(string[] args, int index, out int value)
    {
        value = 0;
        return index < args.Length && int.TryParse(args[index], CultureInfo.InvariantCulture, out value) && value > 0;
    }

    /// <summary>The runtime, cores, GC mode, OS and load average, printed above every run's figures.</summary>
    public static string Machine() =>
        $".NET {Environment.Version}, {Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, {Environment.OSVersion}; {LoadAverage()}";

    /// <summary>A demo department of the seeded registry acting in <paramref name="role"/>.</summary>
    public static async Task<DepartmentIdentity> ActAsAsync(IServiceProvider services, string code, DepartmentRole role) =>
        await services.GetRequiredService<DepartmentDirectory>().ActAsAsync(UnifiedSocialCreditCode.Parse(code), role)
        ?? throw new InvalidOperationException($"{code} has no {role} credential in the seeded departments.");

    /// <summary>"load average 1.0 0.8 0.5": figures from a shared machine mean little without it.</summary>
    public static string LoadAverage()
    {
        try
        {
            return "load average " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "load average unknown";
        }
    }
}
