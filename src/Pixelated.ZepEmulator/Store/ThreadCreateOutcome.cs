namespace Pixelated.ZepEmulator;

public enum ThreadCreateOutcome
{
    Created,
    AlreadyExists,
    UnknownUser,
}
