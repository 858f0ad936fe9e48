using System.Runtime.InteropServices;

namespace Pixelated.MigrationPipeline.Components.Staging;

/// <summary>
/// What an entry of the file system is, read with <c>stat</c> (following links) without opening it: opening a FIFO blocks
/// until a writer appears, and a device or socket is no export. .NET exposes no file type beyond directory / link, so on
/// Unix this asks the runtime's own native shim (<c>libSystem.Native</c>, shipped with every .NET runtime), whose
/// <c>FileStatus</c> starts with <c>int Flags; int Mode</c> on every platform.
/// </summary>
public static class FileKind
{
    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;
    private const int Directory = 0x4000;

    public enum Kind { Missing, Regular, Directory, Other }

    /// <summary>The kind of the entry <paramref name="path"/> leads to (links followed).</summary>
    public static Kind Of(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            if (System.IO.Directory.Exists(path)) return Kind.Directory;
            if (!File.Exists(path)) return Kind.Missing;
            return (File.GetAttributes(path) & FileAttributes.Device) != 0 ? Kind.Other : Kind.Regular;
        }
        if (Stat(path, out var status) != 0) return Kind.Missing;
        return (status.Mode & TypeMask) switch
        {
            Regular => Kind.Regular,
            Directory => Kind.Directory,
            _ => Kind.Other,
        };
    }

    [StructLayout(LayoutKind.Sequential, Size = 512)]
    private struct NativeFileStatus
    {
        public int Flags;
        public int Mode;
    }

#pragma warning disable SYSLIB1054 // DllImport: no source-generated marshalling (and no unsafe code) needed for a string and a blittable struct
    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", CharSet = CharSet.Ansi, SetLastError = true)]
    private static extern int Stat(string path, out NativeFileStatus output);
#pragma warning restore SYSLIB1054
}
