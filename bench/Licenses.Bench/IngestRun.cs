using System.Diagnostics;
using System.Globalization;
using ElectronicLicense.Licenses;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ElectronicLicense.Bench;

/// <summary>The outcome of one measured batch.</summary>
internal sealed record IngestRunResult(string Store, int Licenses, int Created, int Rejected, TimeSpan Elapsed, long PeakHeap, long PeakWorkingSet)
{
    public double PerSecond => Licenses / Elapsed.TotalSeconds;
}

/// <summary>One batch ingest of generated 营业执照 through <see cref="IngestService.IngestBatchAsync"/> against a fresh store.</summary>
internal static class IngestRun
{
    public const int SampleEvery = 10_000;

    /// <param name="store">Label for the output.</param>
    /// <param name="settings">Configuration for <see cref="RegistryServiceCollectionExtensions.AddLicenseRegistry"/>.</param>
    /// <param name="count">Licenses to push.</param>
    /// <param name="output">Where progress and results go; null for a silent warm-up.</param>
    public static async Task<IngestRunResult> RunAsync(string store, IDictionary<string, string?> settings, int count, TextWriter? output)
    {
        var timing = new DbTiming();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        await using var services = new ServiceCollection()
            .AddLicenseRegistry(configuration)
            .ConfigureDbContext<RegistryDbContext>(options => options.AddInterceptors(timing.Interceptors))
            .BuildServiceProvider();
        await services.GetRequiredService<RegistryInitializer>().InitializeAsync();
        var caller = await BenchSupport.ActAsAsync(services, BusinessLicenseGenerator.Issuer, DepartmentRole.Issuer);
        var ingest = services.GetRequiredService<IngestService>();
        var generator = new BusinessLicenseGenerator(count, services.GetRequiredService<TimeProvider>());

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        ResetPeakWorkingSet();
        var sampler = new MemorySampler();
        output?.WriteLine($"{store}: {count.ToString("N0", CultureInfo.InvariantCulture)} licenses, heap {MemorySampler.Megabytes(GC.GetTotalMemory(false))}, ws {MemorySampler.Megabytes(Environment.WorkingSet)} before the batch");

        var created = 0;
        var rejected = 0;
        var results = 0;
        string? firstRejection = null;
        var stopwatch = Stopwatch.StartNew();
        await using (var stream = generator.Open(out var producer))
        {
            await foreach (var item in ingest.IngestBatchAsync(caller, stream))
            {
                results++;
                switch (item.Result.Outcome)
                {
                    case IngestOutcome.Created:
                        created++;
                        break;
                    case IngestOutcome.Rejected:
                        rejected++;
                        firstRejection ??= $"line {item.Line}: {item.Result.Error!.Message} {string.Join("; ", item.Result.Error.Errors.Select(e => e.Pointer + " " + e.Message))}";
                        break;
                }

                if (results % SampleEvery == 0)
                {
                    var (_, rate, heap, workingSet) = sampler.Sample(results, stopwatch.Elapsed);
                    output?.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  at {results,7}: {rate,6:0}/s so far, heap {MemorySampler.Megabytes(heap),7}, ws {MemorySampler.Megabytes(workingSet),7}"));
                }
            }

            await producer;
        }

        stopwatch.Stop();
        var result = new IngestRunResult(store, results, created, rejected, stopwatch.Elapsed, sampler.PeakHeap,
            Math.Max(sampler.PeakWorkingSet, MemorySampler.ProcessPeakWorkingSet()));
        if (output is null)
        {
            return result;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {results:N0} results ({created:N0} created, {rejected:N0} rejected) in {stopwatch.Elapsed.TotalSeconds:0.0} s = {result.PerSecond:0} licenses/s"));
        output.WriteLine($"  peak managed heap (sampled) {MemorySampler.Megabytes(result.PeakHeap)}, peak working set {MemorySampler.Megabytes(result.PeakWorkingSet)}");
        if (firstRejection is not null)
        {
            output.WriteLine("  first rejection: " + firstRejection);
        }

        WriteSections(output, stopwatch.Elapsed, timing, generator);
        return result;
    }

    private static void WriteSections(TextWriter output, TimeSpan total, DbTiming timing, BusinessLicenseGenerator generator)
    {
        var save = DbTiming.Time(timing.SaveTicks);
        var saveSql = DbTiming.Time(timing.SaveCommandTicks);
        var querySql = DbTiming.Time(timing.QueryCommandTicks);
        var commit = DbTiming.Time(timing.CommitTicks);
        var rest = total - save - querySql - commit;
        string Share(TimeSpan part) => string.Create(CultureInfo.InvariantCulture, $"{part.TotalSeconds,6:0.0} s {part / total,4:P0}");
        output.WriteLine("  where the time goes (Stopwatch sections, consumer thread):");
        output.WriteLine($"    SaveChanges          {Share(save)}  ({timing.Saves} calls; SQL inside: {Share(saveSql)}, {timing.SaveCommands} commands; EF work inside: {Share(save - saveSql)})");
        output.WriteLine($"    queries (reads)      {Share(querySql)}  ({timing.QueryCommands} commands, until each reader is closed)");
        output.WriteLine($"    commits              {Share(commit)}");
        output.WriteLine($"    everything else      {Share(rest)}  (reading lines, JSON parse, validation, hashing, EF tracking before SaveChanges)");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    generator (own task) {generator.GenerationTime.TotalSeconds,6:0.0} s"));
    }

    /// <summary>Resets the kernel's peak-RSS mark (Linux) so each run reports its own peak.</summary>
    private static void ResetPeakWorkingSet()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            // proc(5): writing 5 to clear_refs resets the peak resident set size (VmHWM).
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not allowed here: the process-wide peak is then reported instead.
        }
    }
}
