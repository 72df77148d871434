using System.Diagnostics;

namespace ElectronicLicense.Bench;

/// <summary>Samples the managed heap and the working set; the samples show whether memory stays flat as the batch grows.</summary>
internal sealed class MemorySampler
{
    private readonly List<(int Licenses, double Rate, long Heap, long WorkingSet)> samples = [];

    public IReadOnlyList<(int Licenses, double Rate, long Heap, long WorkingSet)> Samples => samples;

    public long PeakHeap { get; private set; }

    public long PeakWorkingSet { get; private set; }

    public (int Licenses, double Rate, long Heap, long WorkingSet) Sample(int licenses, TimeSpan elapsed)
    {
        var heap = GC.GetTotalMemory(forceFullCollection: false);
        var workingSet = Environment.WorkingSet;
        PeakHeap = Math.Max(PeakHeap, heap);
        PeakWorkingSet = Math.Max(PeakWorkingSet, workingSet);
        var sample = (licenses, licenses / elapsed.TotalSeconds, heap, workingSet);
        samples.Add(sample);
        return sample;
    }

    /// <summary>The process's peak working set as the OS saw it, which catches peaks between samples.</summary>
    public static long ProcessPeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    public static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " MB";
}
