namespace Signing;

/// <summary>Base of every failure that stops a signature from being produced. No output is written when thrown.</summary>
public class SigningException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A timestamp the requested level needs could not be obtained.</summary>
public sealed class TimestampUnavailableException(string message, Exception? inner = null) : SigningException(message, inner);

/// <summary>Revocation information the requested level needs could not be obtained or says the certificate is revoked.</summary>
public sealed class RevocationException(string message, Exception? inner = null) : SigningException(message, inner);
