namespace Pixelated.ZepEmulator;

/// <summary>
/// Changing stored data behind the API's back, as an operator or a bug on Zep's side might: lets tests prove that
/// validation notices (<c>PATCH /_emulator/messages/{uuid}</c>, <c>DELETE /_emulator/messages/{uuid}</c>).
/// </summary>
public sealed partial class EmulatorStore
{
    /// <summary>Replaces a message in place; false when no message has that uuid.</summary>
    public bool EditMessage(string uuid, Func<StoredMessage, StoredMessage> edit)
    {
        lock (_gate)
        {
            foreach (var list in _messagesByThread.Values)
            {
                var index = list.FindIndex(m => string.Equals(m.Uuid, uuid, StringComparison.OrdinalIgnoreCase));
                if (index < 0) continue;
                list[index] = edit(list[index]) with { Uuid = list[index].Uuid, ThreadId = list[index].ThreadId };
                return true;
            }
            return false;
        }
    }

    /// <summary>Removes a message; false when no message has that uuid.</summary>
    public bool RemoveMessage(string uuid)
    {
        lock (_gate)
        {
            foreach (var list in _messagesByThread.Values)
            {
                if (list.RemoveAll(m => string.Equals(m.Uuid, uuid, StringComparison.OrdinalIgnoreCase)) > 0) return true;
            }
            return false;
        }
    }
}
