using System;

namespace NanoBackprop
{
    /// <summary>
    /// A model blob or storage slot was rejected: wrong magic, version, topology, options or CRC,
    /// truncated, or holding a value out of range. The live learner is unchanged.
    /// </summary>
    public sealed class InvalidModelException : Exception
    {
        /// <summary>Creates the exception with a message that names the problem.</summary>
        public InvalidModelException(string message)
            : base(message)
        {
        }
    }
}
