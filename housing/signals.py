"""What housing announces to the layers above it (housing imports no app above it; see README, *Layers*).

`offer_leaving` is sent by `housing.services.offer_transition` inside its transaction, once the offer's
new status (withdrawn or expired) is saved, with `offer` and `by` (the user who took the step, or None
for the system). Matching connects its handler in `MatchingConfig.ready`: the offer's open proposals
end with it. A receiver raising an error rolls the whole step back.
"""

from django.dispatch import Signal

offer_leaving = Signal()
