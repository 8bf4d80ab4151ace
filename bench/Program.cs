using BenchmarkDotNet.Running;

namespace LibvirtRemote.Bench;

/// <summary>Entry point: every benchmark class in this assembly, selected with BenchmarkDotNet's command line.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
