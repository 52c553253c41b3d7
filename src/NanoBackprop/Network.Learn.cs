namespace NanoBackprop
{
    // Learn: one fused SGD step per sample, with the update rule chosen once (see UpdateRule and
    // the table in Network's remarks) and dispatched once per step.
    public sealed partial class Network
    {
        /// <summary>
        /// One fused SGD step on one sample: Forward, then a backward pass that propagates each
        /// layer's deltas with its old weights and then updates them in place (with momentum if
        /// the network has momentum buffers), minimising the loss chosen at construction. Needs no
        /// gradient buffers and leaves any accumulated gradients alone.
        /// </summary>
        /// <remarks>
        /// A weight moves by lr·δ·a, where lr·δ is formed once per neuron in Q8.24 (saturating at
        /// ±128, far beyond any useful step) and the product with the input a is rounded once.
        /// Which code runs for which options: the table in <see cref="Network"/>'s remarks.
        /// Right after a <see cref="Forward"/> of the same input values, with no parameter
        /// changed since, Learn takes that pass's activations instead of running it again (the
        /// same bits; the outputs Forward returned are derived again from z, so a caller who wrote
        /// to them changes nothing).
        /// </remarks>
        /// <param name="input">Q16.16 inputs.</param>
        /// <param name="target">Q16.16 targets (in [0, 1] for cross-entropy; summing to exactly
        /// 65536 for categorical cross-entropy).</param>
        /// <returns>The loss before the update, Q16.16 (saturating), for monitoring: the
        /// categorical cross-entropy from the tables (<see cref="Softmax.CrossEntropy"/>) for a
        /// softmax network, otherwise ½ Σ (y - t)² whatever the loss.</returns>
        /// <exception cref="System.ArgumentNullException">input or target is null.</exception>
        /// <exception cref="System.ArgumentException">input or target has the wrong length.</exception>
        /// <exception cref="System.ArgumentOutOfRangeException">A cross-entropy target is outside [0, 1], or categorical targets do not sum to 1.</exception>
        public int Learn(int[] input, int[] target)
        {
            int halfSquaredError = BeginLearn(input, target);
            int last = layerSizes.Length - 2;
            if (narrowWeights != null)
            {
                LearnNarrow(last);
            }
            else if (updateRule == UpdateRule.Plain)
            {
                for (int l = last; l >= frozenLayers; l--)
                {
                    UpdateLayerPlain(l);
                }
            }
            else if (updateRule == UpdateRule.Stochastic)
            {
                for (int l = last; l >= frozenLayers; l--)
                {
                    PropagateBelow(l);
                    UpdateLayerStochastic(l);
                }
            }
            else
            {
                // UpdateRule.Momentum, or UpdateRule.MomentumStochastic with stochastic rounding.
                bool stochastic = updateRule == UpdateRule.MomentumStochastic;
                for (int l = last; l >= frozenLayers; l--)
                {
                    PropagateBelow(l);
                    UpdateLayerMomentum(l, stochastic);
                }
            }

            forwardValid = false;
            return halfSquaredError;
        }

        /// <summary>
        /// <see cref="Learn"/> by the definition of its update rule (ReferenceUpdateLayer, written
        /// with the Q16 helpers only), whatever the rule, and of the deltas
        /// (ComputeOutputDeltasByDefinition, PropagateDeltasByDefinition): the specification the
        /// fast paths are tested against, step by step, by the differential tests.
        /// </summary>
        internal int LearnByDefinition(int[] input, int[] target)
        {
            int halfSquaredError = CheckAndForward(input, target);
            ComputeOutputDeltasByDefinition(target, loss);
            for (int l = layerSizes.Length - 2; l >= frozenLayers; l--)
            {
                // Deltas go below layer l with its weights before the update (none below layer 0,
                // nor into a frozen layer). 16-bit layers hold the same Q16.16 values, so their
                // propagation is the 32-bit one read from the short weights.
                if (l > frozenLayers)
                {
                    if (narrowWeights != null)
                    {
                        PropagateDeltasNarrow(l);
                    }
                    else
                    {
                        PropagateDeltasByDefinition(l);
                    }
                }

                ReferenceUpdateLayer(l);
            }

            forwardValid = false;
            return halfSquaredError;
        }

        // The rule Learn and ApplyGradients follow: momentum when the network has velocity
        // buffers (even with μ = 0, see UpdateRule), stochastic rounding when it is on. Called by
        // the constructor and the StochasticRounding setter, the only places the inputs change.
        private static UpdateRule SelectRule(bool hasVelocities, bool stochastic)
        {
            if (hasVelocities)
            {
                return stochastic ? UpdateRule.MomentumStochastic : UpdateRule.Momentum;
            }

            return stochastic ? UpdateRule.Stochastic : UpdateRule.Plain;
        }

        // Learn's backward pass with 16-bit weights: the fast path without momentum buffers, the
        // definition (the code that runs) with them.
        private void LearnNarrow(int last)
        {
            bool fast = updateRule == UpdateRule.Plain || updateRule == UpdateRule.Stochastic;
            for (int l = last; l >= frozenLayers; l--)
            {
                PropagateBelow(l);
                if (fast)
                {
                    UpdateLayerNarrow(l);
                }
                else
                {
                    ReferenceUpdateLayer(l);
                }
            }
        }

        // Checks the arguments, runs Forward (unless the last one holds for this input, see
        // ForwardHolds) and forms the output deltas; returns ½Σ(y - t)². LearnByDefinition always
        // runs Forward (CheckAndForward), so the differential tests compare the reuse with it.
        private int BeginLearn(int[] input, int[] target)
        {
            CheckVector(input, layerSizes[0], "input", "Learn");
            CheckTarget(target, loss, "Learn");
            if (!forwardValid || !ForwardHolds(input))
            {
                ForwardUnchecked(input);
            }

            int halfSquaredError = MonitoredLoss(target);
            ComputeOutputDeltas(target, loss);
            return halfSquaredError;
        }

        // Whether the last Forward's activations are this input's under the present parameters, so
        // that Learn may take them instead of running Forward again: a predict-then-learn loop
        // (OnlineLearner with a frozen scaler or a ConfidenceMargin, or a caller's own Forward then
        // Learn) would otherwise run Forward twice on the same input, with the same bits. The
        // caller has checked forwardValid, which every call that changes a weight, bias or weight
        // exponent clears (Learn, LearnByDefinition, ApplyGradients, SetWeight, SetBias,
        // CopyParametersFrom, RestoreSnapshot, a model load), and only Forward writes the
        // activations; the input must equal Forward's copy of its input, value by value. Forward
        // handed the outputs to its caller, who may have written to them, so they are derived
        // again from the output layer's z as Forward derives them (Activations.Apply, which for a
        // sigmoid is Sigmoid.Evaluate, the rule Forward writes out; softmax over the logits).
        private bool ForwardHolds(int[] input)
        {
            int[] previous = activations[0];
            for (int i = 0; i < previous.Length; i++)
            {
                if (previous[i] != input[i])
                {
                    return false;
                }
            }

            int last = preActivations.Length - 1;
            int[] outputPreActivations = preActivations[last];
            int[] outputs = activations[last + 1];
            if (outputActivation == Activation.Softmax)
            {
                Softmax.EvaluateUnchecked(outputPreActivations, outputs);
                return true;
            }

            for (int j = 0; j < outputs.Length; j++)
            {
                outputs[j] = Activations.Apply(outputActivation, outputPreActivations[j]);
            }

            return true;
        }

        // Learn's start, fast path and definition alike: checks the arguments, runs Forward and
        // returns the loss Learn reports (MonitoredLoss).
        private int CheckAndForward(int[] input, int[] target)
        {
            CheckVector(input, layerSizes[0], "input", "Learn");
            CheckTarget(target, loss, "Learn");
            ForwardUnchecked(input);
            return MonitoredLoss(target);
        }

        // Propagates layer l's deltas to the hidden layer below it (none below layer 0, nor into
        // a frozen layer), with the weights as they are before layer l's update.
        private void PropagateBelow(int l)
        {
            if (l > frozenLayers)
            {
                if (narrowWeights != null)
                {
                    PropagateDeltasNarrow(l);
                }
                else
                {
                    PropagateDeltas(l);
                }
            }
        }
    }

    /// <summary>
    /// The update rule of <see cref="Network.Learn"/> and <see cref="Network.ApplyGradients"/>,
    /// chosen once from the options (see the table in <see cref="Network"/>'s remarks).
    /// </summary>
    /// <remarks>
    /// A network with momentum buffers follows a momentum rule even when μ = 0: the velocity is
    /// then the saturated step itself (v ← sat(0·v - step), w ← w + v), which is stored in the
    /// buffers (and the model blob) and differs from plain SGD's w ← w - step where -step
    /// saturates. Keeping the rule tied to the buffers keeps every result bit-identical to
    /// earlier releases and makes the rule a property of how the network was built.
    /// </remarks>
    internal enum UpdateRule
    {
        /// <summary>No momentum buffers, round to nearest: UpdateLayerPlain.</summary>
        Plain = 0,

        /// <summary>No momentum buffers, stochastic rounding: UpdateLayerStochastic.</summary>
        Stochastic = 1,

        /// <summary>Momentum buffers, round to nearest: UpdateLayerMomentum.</summary>
        Momentum = 2,

        /// <summary>Momentum buffers, stochastic rounding: UpdateLayerMomentum with UpdateRowMomentumStochastic.</summary>
        MomentumStochastic = 3,
    }
}
