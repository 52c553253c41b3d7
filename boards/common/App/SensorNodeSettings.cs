using System;

namespace NanoBackprop.Boards
{
    /// <summary>
    /// How a <see cref="SensorNode"/> builds its network and how often it saves and reports.
    /// The defaults suit a reading every 5 seconds: a status line every 5 minutes, a save every
    /// hour (24 flash writes a day, alternating between two files).
    /// </summary>
    public sealed class SensorNodeSettings
    {
        private int hiddenNeurons = 8;
        private int seed = 1;
        private int saveInterval = 720;
        private int reportInterval = 60;
        private bool divergenceGuard = true;

        /// <summary>Neurons in the one hidden layer (1 to <see cref="Network.MaxLayerSize"/>); default 8.</summary>
        public int HiddenNeurons
        {
            get { return hiddenNeurons; }
            set { hiddenNeurons = value; }
        }

        /// <summary>Seed of the network's initial weights; default 1.</summary>
        public int Seed
        {
            get { return seed; }
            set { seed = value; }
        }

        /// <summary>
        /// Save the model after every this many learned samples (counted over the model's whole
        /// life, so a reboot does not shift the schedule); default 720.
        /// </summary>
        public int SaveInterval
        {
            get { return saveInterval; }
            set { saveInterval = value; }
        }

        /// <summary>Print a status line after every this many samples since boot; default 60.</summary>
        public int ReportInterval
        {
            get { return reportInterval; }
            set { reportInterval = value; }
        }

        /// <summary>Keep a rollback snapshot and roll back on divergence (4 bytes per parameter); default on.</summary>
        public bool DivergenceGuard
        {
            get { return divergenceGuard; }
            set { divergenceGuard = value; }
        }

        internal void Validate()
        {
            if (hiddenNeurons < 1 || hiddenNeurons > Network.MaxLayerSize)
            {
                throw new ArgumentOutOfRangeException("HiddenNeurons", "SensorNodeSettings: HiddenNeurons is " + hiddenNeurons + "; it must be 1 to " + Network.MaxLayerSize + ".");
            }

            if (saveInterval < 1)
            {
                throw new ArgumentOutOfRangeException("SaveInterval", "SensorNodeSettings: SaveInterval is " + saveInterval + "; it must be at least 1.");
            }

            if (reportInterval < 1)
            {
                throw new ArgumentOutOfRangeException("ReportInterval", "SensorNodeSettings: ReportInterval is " + reportInterval + "; it must be at least 1.");
            }
        }
    }
}
