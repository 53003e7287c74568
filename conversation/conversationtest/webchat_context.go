package conversationtest

import (
	"fmt"
	"strings"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
	"github.com/ultracart-community/ultracart-go/uctime"
)

// usd is an amount in US dollars as the service writes Currency values.
func usd(v float64) *gen.Currency {
	return &gen.Currency{
		CurrencyCode:       ptr("USD"),
		ExchangeRate:       ptr(1.0),
		Localized:          ptr(v),
		LocalizedFormatted: ptr(fmt.Sprintf("$%.2f", v)),
		Value:              ptr(v),
	}
}

// sampleContext is the webchat context the fake makes up for a
// conversation: a visitor on a fictional store (example.com) with two
// items in the cart and two past orders, derived from the conversation so
// that it is stable across calls.
func sampleContext(c *gen.Conversation, merchantID string) gen.ConversationWebchatContext {
	id := strings.ToUpper(strings.ReplaceAll(str(c.ConversationUUID), "-", ""))
	if len(id) > 8 {
		id = id[:8]
	}
	start := time.Now()
	if c.StartDts != nil {
		start = c.StartDts.Time
	}
	sessionStart := start.Add(-7 * time.Minute)
	const store = "https://store.example.com"

	cart := &gen.Cart{
		CartID:           ptr("CART-" + id),
		MerchantID:       ptr(merchantID),
		BaseCurrencyCode: ptr("USD"),
		CurrencyCode:     ptr("USD"),
		ExchangeRate:     ptr(1.0),
		LanguageIsoCode:  ptr("ENG"),
		LoggedIn:         ptr(true),
		Billing: &gen.CartBilling{
			FirstName:   ptr("Jane"),
			LastName:    ptr("Doe"),
			Email:       ptr("jane.doe@example.com"),
			City:        ptr("Springfield"),
			StateRegion: ptr("IL"),
			PostalCode:  ptr("62701"),
			CountryCode: ptr("US"),
		},
		Items: []gen.CartItem{
			{
				ItemID:      ptr("TSHIRT-BLUE-M"),
				Description: ptr("Organic cotton T-shirt, blue, M"),
				Quantity:    ptr(2.0),
				UnitCost:    usd(19.99),
				TotalCost:   usd(39.98),
				Position:    ptr(int32(1)),
				ViewURL:     ptr(store + "/p/tshirt-blue"),
			},
			{
				ItemID:      ptr("MUG-LOGO"),
				Description: ptr("Stoneware logo mug"),
				Quantity:    ptr(1.0),
				UnitCost:    usd(12.50),
				TotalCost:   usd(12.50),
				Position:    ptr(int32(2)),
				ViewURL:     ptr(store + "/p/mug"),
			},
		},
		Summary: &gen.CartSummary{
			Subtotal:         usd(52.48),
			ShippingHandling: usd(5.95),
			Tax:              usd(4.33),
			Total:            usd(62.76),
		},
	}

	order := func(n int, stage gen.OrderStage, daysAgo int, item, desc string, qty, unit float64) gen.Order {
		sub := qty * unit
		return gen.Order{
			OrderID:      ptr(fmt.Sprintf("%s-%s-%04d", merchantID, id, n)),
			MerchantID:   ptr(merchantID),
			CurrencyCode: ptr("USD"),
			CreationDts:  uctime.Ptr(start.AddDate(0, 0, -daysAgo)),
			CurrentStage: ptr(stage),
			Billing: &gen.OrderBilling{
				FirstName:   ptr("Jane"),
				LastName:    ptr("Doe"),
				Email:       ptr("jane.doe@example.com"),
				CountryCode: ptr("US"),
			},
			Items: []gen.OrderItem{{
				MerchantItemID:        ptr(item),
				Description:           ptr(desc),
				Quantity:              ptr(qty),
				UnitCostWithDiscount:  usd(unit),
				TotalCostWithDiscount: usd(sub),
			}},
			Summary: &gen.OrderSummary{
				Subtotal:              usd(sub),
				ShippingHandlingTotal: usd(4.95),
				Total:                 usd(sub + 4.95),
			},
		}
	}

	return gen.ConversationWebchatContext{
		Cart:       cart,
		CurrentURL: ptr(store + "/checkout/cart"),
		Orders: []gen.Order{
			order(1, gen.OrderStageCompletedOrder, 42, "HOODIE-GRAY-L", "Fleece hoodie, gray, L", 1, 44.00),
			order(2, gen.OrderStageShippingDepartment, 3, "SOCKS-3PK", "Wool socks, 3 pack", 2, 14.50),
		},
		PageView: []gen.HitPageView{
			{URL: ptr(store + "/"), Title: ptr("Example Store"), TimeOnPage: ptr(35.0), Method: ptr("GET")},
			{URL: ptr(store + "/p/tshirt-blue"), Title: ptr("Organic cotton T-shirt"), TimeOnPage: ptr(82.5), Method: ptr("GET"), Referrer: ptr(store + "/")},
			{URL: ptr(store + "/checkout/cart"), Title: ptr("Your cart"), TimeOnPage: ptr(12.0), Method: ptr("GET"), Referrer: ptr(store + "/p/tshirt-blue")},
		},
		SessionStart: &gen.HitSessionStart{
			Channel:             ptr("web"),
			GeolocationCountry:  ptr("US"),
			GeolocationProvince: ptr("IL"),
			Referrer:            ptr("https://search.example.net/?q=organic+tshirt"),
			ScreenHeight:        ptr(int32(900)),
			ScreenWidth:         ptr(int32(1440)),
			UserAgent:           ptr("Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0"),
			UserIP:              ptr("192.0.2.10"), // TEST-NET-1: documentation only
		},
		SessionStartDts: uctime.Ptr(sessionStart),
		SessionUtm: &gen.HitSessionUtm{
			UtmSource:   ptr("newsletter"),
			UtmMedium:   ptr("email"),
			UtmCampaign: ptr("spring-sale"),
		},
	}
}
