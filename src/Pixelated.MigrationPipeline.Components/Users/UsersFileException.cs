namespace Pixelated.MigrationPipeline.Components.Users;

/// <summary>
/// A users file that cannot be read at all (missing, not CSV or JSON, no <c>mem0_user_id</c> header, malformed JSON...).
/// The message names the file by its name only, and where; it never holds a value of the file.
/// </summary>
public sealed class UsersFileException : Exception
{
    public UsersFileException(string fileName, string message, Exception? innerException = null)
        : base(message, innerException) => FileName = fileName;

    /// <summary>The file's name, without its directory.</summary>
    public string FileName { get; }
}
