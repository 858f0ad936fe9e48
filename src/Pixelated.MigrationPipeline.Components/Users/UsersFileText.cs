using System.Buffers;
using System.Text.Unicode;

namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>A users file's text: the whole file, UTF-8 with or without a byte order mark.</summary>
internal static class UsersFileText
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static string Load(string path, string fileName)
    {
        if (Directory.Exists(path)) throw new UsersFileException(fileName, $"{fileName} cannot be read: it is a directory");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsersFileException(fileName, $"{fileName} cannot be read: no such file", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsersFileException(fileName, $"{fileName} cannot be read: access denied", e);
        }
        catch (IOException e)
        {
            throw new UsersFileException(fileName, $"{fileName} cannot be read: I/O error", e);
        }

        ReadOnlySpan<byte> utf8 = bytes;
        if (utf8.StartsWith(Utf8Bom)) utf8 = utf8[Utf8Bom.Length..];
        var chars = new char[utf8.Length];
        var status = Utf8.ToUtf16(utf8, chars, out var read, out var written, replaceInvalidSequences: false, isFinalBlock: true);
        if (status != OperationStatus.Done)
        {
            // No inner exception and no bytes in the message: the text around the bad byte may be personal data.
            var line = 1 + utf8[..read].Count((byte)'\n');
            throw new UsersFileException(fileName, $"{fileName} line {line}: not UTF-8 text (save the file as UTF-8)");
        }
        return new string(chars, 0, written);
    }
}
